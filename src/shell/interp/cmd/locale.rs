//! `locale-gen [LOCALE…]` (Debian's locales package) and `locale [-a]`.
//! locale-gen compiles the locales uncommented in /etc/locale.gen (or those
//! named, which it adds there) into /usr/lib/locale/locale-archive, about
//! 3 MB each as the real archive grows; `locale -a` lists C, C.utf8, POSIX
//! and the compiled ones; `locale` prints the environment's categories.

use super::super::{Io, R, Shell};

const ARCHIVE: &str = "/usr/lib/locale/locale-archive";
const GEN: &str = "/etc/locale.gen";

/// `en_US.UTF-8` → `en_US.utf8`, as `locale -a` names it.
fn normalised(l: &str) -> String {
    match l.split_once('.') {
        Some((lang, cs)) => format!("{lang}.{}", cs.to_lowercase().replace('-', "")),
        None => l.to_string(),
    }
}

/// The compiled locales (a list kept beside the archive).
fn compiled(sh: &Shell) -> Vec<String> {
    sh.ctx
        .fs
        .read_file(&format!("{ARCHIVE}.list"))
        .map(|d| {
            String::from_utf8_lossy(&d)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub fn locale_gen(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let named: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let mut listed = sh
        .ctx
        .fs
        .read_file(GEN)
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default();
    for n in &named {
        let cs = if n.contains(".UTF-8") || n.contains(".utf8") {
            "UTF-8"
        } else {
            "ISO-8859-1"
        };
        let line = format!("{n} {cs}");
        if !listed.lines().any(|l| l.trim() == line) {
            listed.push_str(&line);
            listed.push('\n');
        }
    }
    if !named.is_empty() && super::write_file(sh, GEN, listed.clone().into_bytes()).is_err() {
        sh.err(io, format!("locale-gen: cannot write {GEN}\n"))?;
        return Ok(1);
    }
    let wanted: Vec<String> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let mut text = String::from("Generating locales (this might take a while)...\n");
    for w in &wanted {
        text.push_str(&format!("  {w}... done\n"));
    }
    text.push_str("Generation complete.\n");
    sh.out(io, text)?;
    let list: String = wanted
        .iter()
        .map(|w| format!("{}\n", normalised(w)))
        .collect();
    let size = 3_000_000 * wanted.len() as u64;
    let mtime = sh.ctx.mtime;
    let written = crate::packages::write_one(
        sh.ctx.fs,
        &crate::packages::PkgFile {
            path: ARCHIVE.into(),
            mode: 0o644,
            content: crate::packages::Content::Generated(size),
        },
        &format!("locale-archive:{}", wanted.join(",")),
        mtime,
    )
    .and_then(|()| {
        crate::packages::write_text(sh.ctx.fs, &format!("{ARCHIVE}.list"), &list, mtime)
    });
    if let Err(e) = written {
        sh.err(io, format!("locale-gen: {ARCHIVE}: {}\n", super::why(&e)))?;
        return Ok(1);
    }
    Ok(0)
}

pub fn locale(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    match argv.get(1).map(String::as_str) {
        Some("-a" | "--all-locales") => {
            let mut text = String::from("C\nC.utf8\nPOSIX\n");
            for l in compiled(sh) {
                text.push_str(&l);
                text.push('\n');
            }
            sh.out(io, text)?;
            Ok(0)
        }
        None => {
            let lang = sh.ctx.get_var("LANG").unwrap_or("").to_string();
            let all = sh.ctx.get_var("LC_ALL").unwrap_or("").to_string();
            let value = |k: &str| {
                let own = sh.ctx.get_var(k).unwrap_or("");
                if !all.is_empty() {
                    format!("\"{all}\"")
                } else if !own.is_empty() {
                    own.to_string()
                } else if lang.is_empty() {
                    "\"POSIX\"".into()
                } else {
                    format!("\"{lang}\"")
                }
            };
            let mut text = format!("LANG={lang}\nLANGUAGE=\n");
            for k in [
                "LC_CTYPE",
                "LC_NUMERIC",
                "LC_TIME",
                "LC_COLLATE",
                "LC_MONETARY",
                "LC_MESSAGES",
                "LC_PAPER",
                "LC_NAME",
                "LC_ADDRESS",
                "LC_TELEPHONE",
                "LC_MEASUREMENT",
                "LC_IDENTIFICATION",
            ] {
                text.push_str(&format!("{k}={}\n", value(k)));
            }
            text.push_str(&format!("LC_ALL={all}\n"));
            sh.out(io, text)?;
            Ok(0)
        }
        Some(_) => sh.not_simulated("locale"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs_with, run_in};

    #[test]
    fn locale_gen_compiles_what_locale_gen_lists() {
        let mut fs = fs_with(&["/usr/sbin/locale-gen", "/usr/bin/locale"]);
        let r = run_in(
            &mut fs,
            "printf '# en_GB.UTF-8 UTF-8\\nde_DE.UTF-8 UTF-8\\n' > /etc/locale.gen; sed -i 's/^# en_GB/en_GB/' /etc/locale.gen; locale-gen en_US.UTF-8 && locale -a; LANG=en_US.UTF-8 locale | head -2",
        );
        assert_eq!(
            r.out,
            "Generating locales (this might take a while)...\n  en_GB.UTF-8... done\n  de_DE.UTF-8... done\n  en_US.UTF-8... done\nGeneration complete.\nC\nC.utf8\nPOSIX\nen_GB.utf8\nde_DE.utf8\nen_US.utf8\nLANG=en_US.UTF-8\nLANGUAGE=\n",
            "{}",
            r.err
        );
        assert_eq!(
            fs.stat("/usr/lib/locale/locale-archive").unwrap().size,
            9_000_000
        );
        assert!(r.unsimulated.is_empty());
    }
}
