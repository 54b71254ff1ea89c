//! `gosu USER[:GROUP] COMMAND [ARG…]` and Alpine's `su-exec`: run a command
//! as another user (names or numbers, from /etc/passwd and /etc/group), as
//! the official images' entrypoints do. Files the command writes are owned
//! by that user; the shell's user is back afterwards. Only where the image
//! has the program.

use super::super::{Io, R, Shell};
use super::users::Db;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let name = argv[0].rsplit('/').next().unwrap_or("gosu").to_string();
    if argv.get(1).is_some_and(|a| a == "--version" || a == "-v") {
        sh.out(io, "1.17 (go1.18.2 on linux/amd64; gc)\n")?;
        return Ok(0);
    }
    let (Some(spec), true) = (argv.get(1), argv.len() > 2) else {
        sh.err(io, format!("Usage: {name} user-spec command [args]\n"))?;
        return Ok(1);
    };
    let db = Db::load(sh);
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec.as_str(), None),
    };
    let row = db.user(user).or_else(|| {
        db.passwd
            .iter()
            .find(|r| r.get(2).is_some_and(|id| id == user))
    });
    let (uid, mut gid, home) = match (row, user.parse::<u32>()) {
        (Some(r), _) => (
            r.get(2).and_then(|v| v.parse().ok()).unwrap_or(0),
            r.get(3).and_then(|v| v.parse().ok()).unwrap_or(0),
            r.get(5).cloned().unwrap_or_else(|| "/".into()),
        ),
        (None, Ok(n)) => (n, n, "/".to_string()),
        (None, Err(_)) => {
            sh.err(io, format!("error: failed switching to \"{spec}\": unable to find user {user}: no matching entries in passwd file\n"))?;
            return Ok(1);
        }
    };
    if let Some(g) = group {
        match db.find_group(g) {
            Some((_, id)) => gid = id,
            None => match g.parse::<u32>() {
                Ok(n) => gid = n,
                Err(_) => {
                    sh.err(io, format!("error: failed switching to \"{spec}\": unable to find group {g}: no matching entries in group file\n"))?;
                    return Ok(1);
                }
            },
        }
    }
    let saved = (
        sh.ctx.uid,
        sh.ctx.gid,
        sh.ctx.get_var("HOME").map(str::to_string),
    );
    sh.ctx.uid = uid;
    sh.ctx.gid = gid;
    sh.ctx.export("HOME", Some(home));
    let span = crate::dockerfile::span::Span { start: 0, end: 0 };
    let r = sh.exec_argv_at(&argv[2..], io, span);
    sh.ctx.uid = saved.0;
    sh.ctx.gid = saved.1;
    sh.ctx.export("HOME", saved.2);
    r
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs_with, run_in};

    #[test]
    fn runs_as_the_user_and_comes_back() {
        let mut fs = fs_with(&["/usr/local/bin/gosu", "/sbin/su-exec"]);
        let r = run_in(
            &mut fs,
            "mkdir -m 777 /d; gosu app touch /d/f; gosu nobody:root id; su-exec app:app sh -c 'echo $HOME'; id -u; gosu nosuch true; echo $?; gosu app; echo $?",
        );
        assert_eq!(
            r.out, "uid=65534(nobody) gid=0(root) groups=0(root)\n/home/app\n0\n1\n1\n",
            "{}",
            r.err
        );
        assert_eq!(fs.stat("/d/f").unwrap().meta.uid, 1000);
        assert!(r.err.contains("unable to find user nosuch"), "{}", r.err);
        assert!(
            r.err.contains("Usage: gosu user-spec command [args]"),
            "{}",
            r.err
        );
        assert!(r.unsimulated.is_empty(), "{:?}", r.unsimulated);
    }
}
