//! `ls [-l -a -A -1 -d -R -n] [FILE]…`, one name per line as when the
//! output is not a terminal; `-l` in GNU's long format, dates relative to
//! the build's time (there is no clock).

use super::super::{Io, R, Shell};
use super::chown::name_of;
use crate::vfs::{self, Kind, Stat};

fn mode_string(st: &Stat) -> String {
    let mut s = String::with_capacity(10);
    s.push(match st.kind {
        Kind::Dir => 'd',
        Kind::Symlink => 'l',
        Kind::File => '-',
    });
    let m = st.meta.mode;
    for (shift, special, ch) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (m >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (m & special != 0, x) {
            (true, true) => ch,
            (true, false) => ch.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// `Jan  2 15:04`, or `Jan  2  2006` when more than six months from `now`.
fn date(t: i64, now: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS[(m - 1) as usize];
    if (now - t).abs() > 15_778_476 {
        format!("{month} {d:>2}  {y}")
    } else {
        format!("{month} {d:>2} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
    }
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let long = args.has('l') || args.has('n');
    let all = args.has('a');
    let almost = args.has('A');
    let mut ops = args.operands.clone();
    if ops.is_empty() {
        ops.push(".".into());
    }
    let mut status = 0;
    let mut out = String::new();
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for o in &ops {
        let path = sh.ctx.abs(o);
        match sh.ctx.fs.lstat(&path) {
            Err(e) => {
                sh.err(io, format!("ls: cannot access '{o}': {}\n", super::why(&e)))?;
                status = 2;
            }
            Ok(st) => {
                let is_dir = st.kind == Kind::Dir
                    || (st.kind == Kind::Symlink
                        && !long
                        && sh.ctx.fs.stat(&path).is_ok_and(|s| s.kind == Kind::Dir));
                if is_dir && !args.has('d') {
                    dirs.push(o.clone());
                } else {
                    files.push((o.clone(), path));
                }
            }
        }
    }
    let line = |sh: &Shell, name: &str, path: &str| -> String {
        if !long {
            return format!("{name}\n");
        }
        let Ok(st) = sh.ctx.fs.lstat(path) else {
            return format!("{name}\n");
        };
        let (user, group) = if args.has('n') {
            (st.meta.uid.to_string(), st.meta.gid.to_string())
        } else {
            (
                name_of(sh.ctx.fs, "/etc/passwd", st.meta.uid).unwrap_or(st.meta.uid.to_string()),
                name_of(sh.ctx.fs, "/etc/group", st.meta.gid).unwrap_or(st.meta.gid.to_string()),
            )
        };
        let size = if st.kind == Kind::Dir { 4096 } else { st.size };
        let target = match st.kind {
            Kind::Symlink => format!(" -> {}", sh.ctx.fs.read_link(path).unwrap_or_default()),
            _ => String::new(),
        };
        let links = if st.kind == Kind::Dir { 2 } else { 1 };
        format!(
            "{} {links} {user} {group} {size} {} {name}{target}\n",
            mode_string(&st),
            date(st.meta.mtime, sh.ctx.mtime)
        )
    };
    for (name, path) in &files {
        out.push_str(&line(sh, name, path));
    }
    let many = ops.len() > 1 || args.has('R');
    let mut queue: Vec<String> = dirs;
    let mut first = files.is_empty();
    while let Some(d) = (!queue.is_empty()).then(|| queue.remove(0)) {
        sh.step(crate::dockerfile::span::Span { start: 0, end: 0 })?;
        let path = sh.ctx.abs(&d);
        let entries = sh.ctx.fs.read_dir(&path).unwrap_or_default();
        if many {
            if !first {
                out.push('\n');
            }
            out.push_str(&format!("{d}:\n"));
        }
        first = false;
        if long {
            out.push_str(&format!("total {}\n", entries.len() * 4));
        }
        if all {
            out.push_str(&line(sh, ".", &path));
            out.push_str(&line(sh, "..", &vfs::join_at(&path, "..")));
        }
        let mut subdirs = Vec::new();
        for (name, node) in entries {
            if name.starts_with('.') && !all && !almost {
                continue;
            }
            let child = format!("{}/{name}", path.trim_end_matches('/'));
            out.push_str(&line(sh, &name, &child));
            if args.has('R') && node.kind() == Kind::Dir {
                subdirs.push(format!("{}/{name}", d.trim_end_matches('/')));
            }
        }
        for (k, s) in subdirs.into_iter().enumerate() {
            queue.insert(k, s);
        }
    }
    sh.out(io, out)?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn lists_names_and_long_format() {
        let r =
            sh("mkdir -p /app/d && touch /app/b /app/.h && cd /app && ls; ls -A /app; ls /nope");
        assert_eq!(r.out, "b\nd\n.h\nb\nd\n");
        assert_eq!(
            r.err,
            "ls: cannot access '/nope': No such file or directory\n"
        );
        assert_eq!(r.status, 2);
        // GNU ls -l, with the build's time as "now" (2023-11-14 22:13:20 UTC).
        let r =
            sh("echo hi > /tmp/f && chmod 4755 /tmp/f && ln -s f /tmp/l && ls -l /tmp/f /tmp/l");
        assert_eq!(
            r.out,
            "-rwsr-xr-x 1 root root 3 Nov 14 22:13 /tmp/f\nlrwxrwxrwx 1 root root 1 Nov 14 22:13 /tmp/l -> f\n"
        );
        assert_eq!(super::date(0, 1_700_000_000), "Jan  1  1970");
    }
}
