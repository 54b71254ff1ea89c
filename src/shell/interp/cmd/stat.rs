//! `stat [-L] [-c FORMAT | --format=FORMAT | --printf=FORMAT] FILE…`, as
//! GNU coreutils (the default long form too). The filesystem has no devices
//! or access times: `%d`, `%D`, `%t`, `%T` are 0, every time is the mtime
//! and the birth time is unknown (`-`).

use super::super::{Io, R, Shell};
use super::chown::name_of;
use crate::vfs::Kind;

fn human_mode(kind: Kind, mode: u32) -> String {
    let mut s = String::from(match kind {
        Kind::Dir => 'd',
        Kind::Symlink => 'l',
        Kind::File => '-',
    });
    let bits = [
        (0o400, 'r'),
        (0o200, 'w'),
        (0o100, 'x'),
        (0o040, 'r'),
        (0o020, 'w'),
        (0o010, 'x'),
        (0o004, 'r'),
        (0o002, 'w'),
        (0o001, 'x'),
    ];
    for (i, (b, c)) in bits.iter().enumerate() {
        let special = match i {
            2 if mode & 0o4000 != 0 => Some(('s', 'S')),
            5 if mode & 0o2000 != 0 => Some(('s', 'S')),
            8 if mode & 0o1000 != 0 => Some(('t', 'T')),
            _ => None,
        };
        s.push(match special {
            Some((on, off)) => {
                if mode & b != 0 {
                    on
                } else {
                    off
                }
            }
            None if mode & b != 0 => *c,
            None => '-',
        });
    }
    s
}

fn file_type(kind: Kind, size: u64) -> &'static str {
    match kind {
        Kind::Dir => "directory",
        Kind::Symlink => "symbolic link",
        Kind::File if size == 0 => "regular empty file",
        Kind::File => "regular file",
    }
}

fn time(secs: i64) -> String {
    format!(
        "{}.000000000 +0000",
        super::date::format(secs, "%Y-%m-%d %H:%M:%S")
    )
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut format: Option<(String, bool)> = None;
    let mut follow = false;
    let mut files = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "-c" || a == "--format" || a == "--printf" {
            let Some(v) = argv.get(i) else {
                sh.err(io, "stat: option requires an argument -- 'c'\nTry 'stat --help' for more information.\n")?;
                return Ok(1);
            };
            i += 1;
            format = Some((v.clone(), a != "--printf"));
        } else if let Some(v) = a.strip_prefix("--format=") {
            format = Some((v.to_string(), true));
        } else if let Some(v) = a.strip_prefix("--printf=") {
            format = Some((v.to_string(), false));
        } else if let Some(v) = a.strip_prefix("-c") {
            format = Some((v.to_string(), true));
        } else if a == "-L" || a == "--dereference" {
            follow = true;
        } else if a == "-t" || a == "--terse" || a == "-f" || a == "--file-system" {
            sh.unsimulated("stat");
            return Ok(0);
        } else {
            files.push(a.clone());
        }
    }
    if files.is_empty() {
        sh.err(
            io,
            "stat: missing operand\nTry 'stat --help' for more information.\n",
        )?;
        return Ok(1);
    }
    let mut status = 0;
    for f in &files {
        let abs = sh.ctx.abs(f);
        let st = if follow {
            sh.ctx.fs.stat(&abs)
        } else {
            sh.ctx.fs.lstat(&abs)
        };
        let st = match st {
            Ok(s) => s,
            Err(e) => {
                sh.err(
                    io,
                    format!("stat: cannot statx '{f}': {}\n", super::why(&e)),
                )?;
                status = 1;
                continue;
            }
        };
        let m = st.meta;
        let user = name_of(sh.ctx.fs, "/etc/passwd", m.uid).unwrap_or_else(|| "UNKNOWN".into());
        let group = name_of(sh.ctx.fs, "/etc/group", m.gid).unwrap_or_else(|| "UNKNOWN".into());
        let links = if st.kind == Kind::Dir {
            let subdirs = sh
                .ctx
                .fs
                .read_dir(&abs)
                .map(|c| c.iter().filter(|(_, n)| n.kind() == Kind::Dir).count())
                .unwrap_or(0);
            2 + subdirs
        } else if st.ino != 0 {
            sh.ctx
                .fs
                .link_groups()
                .find(|(i, _)| **i == st.ino)
                .map(|(_, g)| g.len())
                .unwrap_or(1)
        } else {
            1
        };
        let blocks = st.size.div_ceil(4096) * 8;
        let shown_name = if st.kind == Kind::Symlink {
            let t = sh.ctx.fs.read_link(&abs).unwrap_or_default();
            format!("'{f}' -> '{t}'")
        } else {
            format!("'{f}'")
        };
        let (fmt, newline) = match &format {
            Some(x) => x.clone(),
            None => {
                let name_line = if st.kind == Kind::Symlink {
                    shown_name.replace('\'', "")
                } else {
                    f.clone()
                };
                let out = format!(
                    "  File: {name_line}\n  Size: {:<15}\tBlocks: {:<10} IO Block: 4096   {}\nDevice: 0,0\tInode: {:<11} Links: {links}\nAccess: ({:04o}/{})  Uid: ({:>5}/{:>8})   Gid: ({:>5}/{:>8})\nAccess: {t}\nModify: {t}\nChange: {t}\n Birth: -\n",
                    st.size,
                    blocks,
                    file_type(st.kind, st.size),
                    st.ino,
                    m.mode & 0o7777,
                    human_mode(st.kind, m.mode),
                    m.uid,
                    user,
                    m.gid,
                    group,
                    t = time(m.mtime),
                );
                sh.out(io, out)?;
                continue;
            }
        };
        let mut out = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c == '\\' && !newline {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('\\') => out.push('\\'),
                    Some(o) => {
                        out.push('\\');
                        out.push(o);
                    }
                    None => out.push('\\'),
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                continue;
            }
            let s = match chars.next() {
                Some('n') => f.clone(),
                Some('N') => shown_name.clone(),
                Some('s') => st.size.to_string(),
                Some('a') => format!("{:o}", m.mode & 0o7777),
                Some('A') => human_mode(st.kind, m.mode),
                Some('f') => {
                    let t = match st.kind {
                        Kind::Dir => 0o040000,
                        Kind::Symlink => 0o120000,
                        Kind::File => 0o100000,
                    };
                    format!("{:x}", t | (m.mode & 0o7777))
                }
                Some('F') => file_type(st.kind, st.size).into(),
                Some('u') => m.uid.to_string(),
                Some('U') => user.clone(),
                Some('g') => m.gid.to_string(),
                Some('G') => group.clone(),
                Some('h') => links.to_string(),
                Some('i') => st.ino.to_string(),
                Some('b') => blocks.to_string(),
                Some('B') => "512".into(),
                Some('o') => "4096".into(),
                Some('d' | 'D' | 't' | 'T' | 'W') => "0".into(),
                Some('w') => "-".into(),
                Some('x' | 'y' | 'z') => time(m.mtime),
                Some('X' | 'Y' | 'Z') => m.mtime.to_string(),
                Some('m') => "/".into(),
                Some('%') => "%".into(),
                Some(o) => format!("?{o}"),
                None => "%".into(),
            };
            out.push_str(&s);
        }
        if newline {
            out.push('\n');
        }
        sh.out(io, out)?;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn formats() {
        let r = sh(
            "printf abc > /tmp/f && chmod 4750 /tmp/f && chown app /tmp/f && ln -s f /tmp/l && stat -c '%s %a %A %U:%G %u %F %n' /tmp/f /tmp/l /tmp && stat --printf='%Y|%y\\n' /tmp/f && stat -L -c %F /tmp/l",
        );
        assert_eq!(
            r.out,
            "3 4750 -rwsr-x--- app:root 1000 regular file /tmp/f\n1 777 lrwxrwxrwx root:root 0 symbolic link /tmp/l\n0 755 drwxr-xr-x root:root 0 directory /tmp\n1700000000|2023-11-14 22:13:20.000000000 +0000\nregular file\n"
        );
        let r = sh("stat /nope; echo $?");
        assert_eq!(
            (r.out.as_str(), r.err.as_str()),
            (
                "1\n",
                "stat: cannot statx '/nope': No such file or directory\n"
            )
        );
        let r = sh("touch /tmp/e && stat /tmp/e");
        assert!(r.out.starts_with("  File: /tmp/e\n  Size: 0              \tBlocks: 0          IO Block: 4096   regular empty file\n"), "{}", r.out);
        assert!(r.out.contains(
            "Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)\n"
        ));
    }
}
