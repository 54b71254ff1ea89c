//! `sh`/`bash`/`ash`/`dash` run as commands: `sh -c 'script' [name args…]`,
//! `sh file [args…]`, and `sh` (or `sh -s`) reading the script from
//! standard input. A new shell process: it sees only exported variables,
//! none of the caller's functions or options, and the same filesystem.
//! A script that is a simulated download (`curl -fsSL URL | sh`) is not
//! run but recorded as not simulated: its real content is unknown.

use super::super::{Flow, Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let name = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
    let mut options: Vec<String> = Vec::new();
    let mut i = 1;
    let mut from_c = false;
    let mut from_s = false;
    while i < argv.len() {
        let a = &argv[i];
        if a == "-o" || a == "+o" {
            options.push(a.clone());
            options.extend(argv.get(i + 1).cloned());
            i += 2;
            continue;
        }
        // A lone `-` ends the options as `--` does (`curl … | bash -`).
        if a == "--" || a == "-" {
            i += 1;
            break;
        }
        if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 && !a.starts_with("--") {
            let (sign, letters) = a.split_at(1);
            let mut rest = String::new();
            for c in letters.chars() {
                match c {
                    'c' => from_c = true,
                    's' => from_s = true,
                    'l' | 'i' => {}
                    c => rest.push(c),
                }
            }
            if !rest.is_empty() {
                options.push(format!("{sign}{rest}"));
            }
            i += 1;
            continue;
        }
        if a.starts_with("--") {
            i += 1;
            continue;
        }
        break;
    }
    let (raw, zero, args): (Vec<u8>, String, Vec<String>) = if from_c {
        let Some(c) = argv.get(i) else {
            sh.err(io, format!("{name}: -c requires an argument\n"))?;
            return Ok(2);
        };
        let zero = argv.get(i + 1).cloned().unwrap_or_else(|| name.clone());
        let args = argv.get(i + 2..).unwrap_or_default().to_vec();
        (c.clone().into_bytes(), zero, args)
    } else if let Some(file) = argv.get(i).filter(|_| !from_s) {
        match sh.ctx.fs.read_file(&sh.ctx.abs(file)) {
            Ok(d) => (d.to_vec(), file.clone(), argv[i + 1..].to_vec()),
            Err(_) => {
                sh.err(io, format!("{name}: 0: cannot open {file}: No such file\n"))?;
                return Ok(2);
            }
        }
    } else {
        let args = argv.get(i..).unwrap_or_default().to_vec();
        (io.take_input().to_vec(), name.clone(), args)
    };
    if sh.is_download(&raw) || sh.is_download(raw.strip_suffix(b"\n").unwrap_or(&raw)) {
        // A downloaded script (`curl … | sh`, `sh -c "$(curl …)"`): its
        // content is made up, so what it would do is unknown; it is not run.
        sh.unsimulated(&name);
        return Ok(0);
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let script = match crate::shell::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            let line = text[..e.span.start.min(text.len())].matches('\n').count() + 1;
            sh.err(io, format!("{name}: {line}: Syntax error: {}\n", e.message))?;
            return Ok(2);
        }
    };
    sh.subshell(|sh| {
        sh.ctx.vars.retain(|v| v.exported);
        sh.ctx.functions.clear();
        sh.ctx.options = Default::default();
        sh.ctx.args = std::iter::once(zero).chain(args).collect();
        if !options.is_empty() {
            let mut set = vec!["set".to_string()];
            set.extend(options);
            super::builtins::set(sh, io, &set)?;
        }
        let r = Shell {
            ctx: &mut *sh.ctx,
            src: &text,
        }
        .run_list(&script.body, io);
        match r {
            Err(Flow::Return(s)) => Ok(s),
            r => r,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn a_lone_dash_ends_the_options() {
        // As dash and bash: `sh -` reads the script from stdin; an operand
        // after it is the script file.
        let r = sh(
            "echo 'echo \"hi [$0] [$#]\"' | bash -; echo 'echo from $1' > /tmp/s; sh - /tmp/s x",
        );
        assert_eq!(
            (r.out.as_str(), r.err.as_str()),
            ("hi [bash] [0]\nfrom x\n", "")
        );
    }

    #[test]
    fn a_new_shell_sees_exported_variables_only() {
        let r = sh(
            "A=1; export B=2; sh -c 'echo \"[$A][$B][$0][$1]\"' me x; bash -ec 'false; echo no'; echo $?",
        );
        assert_eq!(r.out, "[][2][me][x]\n1\n");
        assert_eq!(
            sh("echo 'echo from $1' > /tmp/s.sh; sh /tmp/s.sh file").out,
            "from file\n"
        );
        assert_eq!(sh("echo 'echo piped' | sh").out, "piped\n");
        assert_eq!(sh("echo 'echo \"[$1]\"' | sh -s -- --yes").out, "[--yes]\n");
        assert_eq!(sh("sh -c 'exit 5'; echo $?").out, "5\n");
    }
}
