//! `env [-i] [NAME=VALUE]… [COMMAND…]` and `printenv [NAME]`.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut i = 1;
    let mut clear = false;
    let mut set = Vec::new();
    let mut unset = Vec::new();
    while i < argv.len() {
        let a = &argv[i];
        if a == "-i" || a == "-" {
            clear = true;
        } else if a == "-u" {
            i += 1;
            unset.extend(argv.get(i).cloned());
        } else if let Some((k, v)) = a.split_once('=').filter(|(k, _)| !k.is_empty()) {
            set.push((k.to_string(), v.to_string()));
        } else {
            break;
        }
        i += 1;
    }
    let saved = sh.ctx.vars.clone();
    if clear {
        sh.ctx.vars.retain(|v| !v.exported);
    }
    for u in &unset {
        sh.ctx.unset_var(u);
    }
    for (k, v) in set {
        sh.ctx.export(&k, Some(v));
    }
    let r = if i < argv.len() {
        let span = crate::dockerfile::span::Span { start: 0, end: 0 };
        sh.exec_argv_at(&argv[i..], io, span)
    } else {
        let text: String = sh
            .ctx
            .vars
            .iter()
            .filter(|v| v.exported)
            .map(|v| format!("{}={}\n", v.name, v.value))
            .collect();
        sh.out(io, text).map(|_| 0)
    };
    sh.ctx.vars = saved;
    r
}

pub fn printenv(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    if argv.len() < 2 {
        return run(sh, io, &argv[..1]);
    }
    let mut status = 0;
    for n in &argv[1..] {
        match sh.ctx.vars.iter().find(|v| v.exported && &v.name == n) {
            Some(v) => {
                let line = format!("{}\n", v.value);
                sh.out(io, line)?;
            }
            None => status = 1,
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn lists_exported_in_order_and_runs() {
        let r = sh("A=1; export B=2; env");
        assert_eq!(
            r.out,
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOME=/root\nB=2\n"
        );
        assert_eq!(sh("env -i X=1 env").out, "X=1\n");
        assert_eq!(sh("X=5 printenv X; printenv X; echo $?").out, "5\n1\n");
    }
}
