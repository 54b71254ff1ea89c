//! `find [-H|-L|-P] [PATH…] [EXPRESSION]`, as GNU findutils. Options
//! `-maxdepth`, `-mindepth`, `-depth`, `-xdev`/`-mount` (no other
//! filesystems here); tests `-name`, `-iname`, `-path`/`-wholename`,
//! `-ipath`, `-regex`/`-iregex` (regex-lite syntax, matched against the
//! whole path), `-type` (`f`, `d`, `l`, comma lists), `-perm` (`MODE`,
//! `-MODE`, `/MODE`, octal or symbolic), `-user`, `-group`, `-uid`, `-gid`,
//! `-nouser`, `-nogroup`, `-size`, `-empty`, `-newer`, `-mtime`, `-mmin`,
//! `-executable`, `-readable`, `-writable`, `-true`, `-false`; operators
//! `!`/`-not`, `-a`/`-and`, juxtaposition, `-o`/`-or`, `,`, `( )`; actions
//! `-print`, `-print0`, `-printf` (`%p %P %f %h %s %m %u %g %U %G %y %%`
//! and `\n \t \0`), `-delete`, `-exec … {} ;`, `-exec … {} +`,
//! `-execdir` (run like `-exec`, with `./NAME`), `-prune`, `-quit`. With
//! no action, `-print`. The walk is in name order (the filesystem's
//! order); `-exec` runs through the interpreter, so unsimulated commands are
//! recorded as usual. `-ok`, `-fprint*` and `-ls` are not simulated.

use super::super::{Io, R, Shell, pattern};
use super::chown;
use crate::vfs::{self, Kind, Node};

#[derive(Debug, Clone)]
enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Const(bool),
    Name(String, bool),
    Path(String, bool),
    Regex(regex_lite::Regex),
    Type(Vec<char>),
    Perm(u32, char),
    Uid(u32),
    Gid(u32),
    NoUser,
    NoGroup,
    /// Size in units of `unit` bytes (rounded up), compared with `cmp`.
    Size(u64, u64, char),
    Empty,
    Newer(i64),
    /// Age in units of `unit` seconds, compared with `cmp`.
    Age(i64, i64, char),
    Executable,
    Print(bool),
    Printf(String),
    Delete,
    Exec {
        argv: Vec<String>,
        batch: bool,
        dir: bool,
    },
    Prune,
    Quit,
}

struct Parser<'a> {
    args: &'a [String],
    i: usize,
    maxdepth: Option<usize>,
    mindepth: usize,
    depth_first: bool,
    has_action: bool,
    seen_test: Option<String>,
    warnings: Vec<String>,
}

type PResult = Result<Expr, String>;

fn cmp_num(s: &str) -> (char, &str) {
    match s.chars().next() {
        Some('+') => ('+', &s[1..]),
        Some('-') => ('-', &s[1..]),
        _ => ('=', s),
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.args.get(self.i).map(String::as_str)
    }

    fn value(&mut self, pred: &str) -> Result<String, String> {
        let v = self
            .args
            .get(self.i)
            .cloned()
            .ok_or_else(|| format!("find: missing argument to `{pred}'\n"))?;
        self.i += 1;
        Ok(v)
    }

    fn comma(&mut self, sh: &Shell) -> PResult {
        let mut e = self.or(sh)?;
        while self.peek() == Some(",") {
            self.i += 1;
            let r = self.or(sh)?;
            e = Expr::Comma(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn or(&mut self, sh: &Shell) -> PResult {
        let mut e = self.and(sh)?;
        while matches!(self.peek(), Some("-o" | "-or")) {
            self.i += 1;
            let r = self.and(sh)?;
            e = Expr::Or(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn and(&mut self, sh: &Shell) -> PResult {
        let mut e = self.unary(sh)?;
        loop {
            match self.peek() {
                None | Some("-o" | "-or" | "," | ")") => return Ok(e),
                Some("-a" | "-and") => self.i += 1,
                _ => {}
            }
            let r = self.unary(sh)?;
            e = Expr::And(Box::new(e), Box::new(r));
        }
    }

    fn unary(&mut self, sh: &Shell) -> PResult {
        match self.peek() {
            Some("!" | "-not") => {
                self.i += 1;
                Ok(Expr::Not(Box::new(self.unary(sh)?)))
            }
            Some("(") => {
                self.i += 1;
                if self.peek() == Some(")") {
                    return Err(
                        "find: invalid expression; empty parentheses are not allowed.\n".into(),
                    );
                }
                let e = self.comma(sh)?;
                if self.peek() != Some(")") {
                    return Err("find: invalid expression; I was expecting to find a ')' somewhere but did not see one.\n".into());
                }
                self.i += 1;
                Ok(e)
            }
            Some(")") => Err("find: invalid expression; you have too many ')'\n".into()),
            None => Err("find: invalid expression\n".into()),
            Some(_) => self.primary(sh),
        }
    }

    fn primary(&mut self, sh: &Shell) -> PResult {
        let p = self.args[self.i].clone();
        self.i += 1;
        let global = |this: &mut Self| {
            if let Some(t) = &this.seen_test {
                this.warnings.push(format!(
                    "find: warning: you have specified the global option {p} after the argument {t}, but global options are not positional, i.e., {p} affects tests specified before it as well as those specified after it.  Please specify global options before other arguments.\n"
                ));
            }
        };
        let e = match p.as_str() {
            "-maxdepth" | "-mindepth" => {
                global(self);
                let v = self.value(&p)?;
                let n: usize = v.parse().map_err(|_| {
                    format!(
                        "find: Expected a positive decimal integer argument to {p}, but got `{v}'\n"
                    )
                })?;
                if p == "-maxdepth" {
                    self.maxdepth = Some(n);
                } else {
                    self.mindepth = n;
                }
                return Ok(Expr::Const(true));
            }
            "-depth" | "-d" => {
                self.depth_first = true;
                return Ok(Expr::Const(true));
            }
            "-xdev" | "-mount" | "-noleaf" | "-follow" | "-ignore_readdir_race" => {
                return Ok(Expr::Const(true));
            }
            "-true" => Expr::Const(true),
            "-false" => Expr::Const(false),
            "-name" | "-iname" => Expr::Name(self.value(&p)?, p == "-iname"),
            "-path" | "-wholename" | "-ipath" | "-iwholename" => {
                Expr::Path(self.value(&p)?, p.starts_with("-i"))
            }
            "-regex" | "-iregex" => {
                let v = self.value(&p)?;
                let src = format!("{}^(?:{v})$", if p == "-iregex" { "(?i)" } else { "" });
                match regex_lite::Regex::new(&src) {
                    Ok(r) => Expr::Regex(r),
                    Err(_) => return Err(format!("find: invalid regular expression '{v}'\n")),
                }
            }
            "-type" => {
                let v = self.value(&p)?;
                let kinds: Vec<char> = v.split(',').filter_map(|k| k.chars().next()).collect();
                if let Some(bad) = v
                    .split(',')
                    .find(|k| k.len() != 1 || !"fdlpscbD".contains(*k))
                {
                    return Err(format!("find: Unknown argument to -type: {bad}\n"));
                }
                Expr::Type(kinds)
            }
            "-perm" => {
                let v = self.value(&p)?;
                let (kind, m) = match v.chars().next() {
                    Some('-') => ('-', &v[1..]),
                    Some('/') => ('/', &v[1..]),
                    Some('+') if v[1..].chars().all(|c| c.is_digit(8)) => ('/', &v[1..]),
                    _ => ('=', v.as_str()),
                };
                match super::chmod::parse_mode(m, 0, false) {
                    Some(bits) => Expr::Perm(bits, kind),
                    None => return Err(format!("find: invalid mode `{v}'\n")),
                }
            }
            "-user" | "-uid" => {
                let v = self.value(&p)?;
                match chown::user(sh.ctx.fs, &v) {
                    Some((uid, _)) if p == "-user" || v.parse::<u32>().is_ok() => Expr::Uid(uid),
                    _ => return Err(format!("find: '{v}' is not the name of a known user\n")),
                }
            }
            "-group" | "-gid" => {
                let v = self.value(&p)?;
                match chown::group(sh.ctx.fs, &v) {
                    Some(gid) => Expr::Gid(gid),
                    None => {
                        return Err(format!(
                            "find: '{v}' is not the name of an existing group\n"
                        ));
                    }
                }
            }
            "-nouser" => Expr::NoUser,
            "-nogroup" => Expr::NoGroup,
            "-size" => {
                let v = self.value(&p)?;
                let (cmp, rest) = cmp_num(&v);
                let (num, unit) = match rest.chars().last() {
                    Some('c') => (&rest[..rest.len() - 1], 1),
                    Some('w') => (&rest[..rest.len() - 1], 2),
                    Some('b') => (&rest[..rest.len() - 1], 512),
                    Some('k') => (&rest[..rest.len() - 1], 1024),
                    Some('M') => (&rest[..rest.len() - 1], 1 << 20),
                    Some('G') => (&rest[..rest.len() - 1], 1 << 30),
                    _ => (rest, 512),
                };
                match num.parse::<u64>() {
                    Ok(n) => Expr::Size(n, unit, cmp),
                    Err(_) => return Err(format!("find: invalid -size type `{v}'\n")),
                }
            }
            "-empty" => Expr::Empty,
            "-newer" => {
                let v = self.value(&p)?;
                match sh.ctx.fs.stat(&sh.ctx.abs(&v)) {
                    Ok(st) => Expr::Newer(st.meta.mtime),
                    Err(e) => return Err(format!("find: '{v}': {}\n", super::why(&e))),
                }
            }
            "-mtime" | "-mmin" => {
                let v = self.value(&p)?;
                let (cmp, rest) = cmp_num(&v);
                match rest.parse::<i64>() {
                    Ok(n) => Expr::Age(n, if p == "-mtime" { 86_400 } else { 60 }, cmp),
                    Err(_) => return Err(format!("find: invalid argument `{v}' to `{p}'\n")),
                }
            }
            "-executable" => Expr::Executable,
            "-readable" | "-writable" => Expr::Const(true),
            "-print" | "-print0" => {
                self.has_action = true;
                Expr::Print(p == "-print0")
            }
            "-printf" => {
                self.has_action = true;
                Expr::Printf(self.value(&p)?)
            }
            "-delete" => {
                self.has_action = true;
                self.depth_first = true;
                Expr::Delete
            }
            "-prune" => Expr::Prune,
            "-quit" => Expr::Quit,
            "-exec" | "-execdir" => {
                self.has_action = true;
                let mut argv = Vec::new();
                loop {
                    let Some(a) = self.args.get(self.i) else {
                        return Err(format!("find: missing argument to `{p}'\n"));
                    };
                    self.i += 1;
                    if a == ";" {
                        break Expr::Exec {
                            argv,
                            batch: false,
                            dir: p == "-execdir",
                        };
                    }
                    if a == "+" && argv.last().is_some_and(|l| l == "{}") {
                        argv.pop();
                        break Expr::Exec {
                            argv,
                            batch: true,
                            dir: p == "-execdir",
                        };
                    }
                    argv.push(a.clone());
                }
            }
            _ if p.starts_with('-') => {
                return Err(format!("find: unknown predicate `{p}'\n"));
            }
            _ => {
                return Err(format!("find: paths must precede expression: `{p}'\n"));
            }
        };
        if self.seen_test.is_none() {
            self.seen_test = Some(p);
        }
        Ok(e)
    }
}

/// What one file looks like to the tests.
struct Item<'n> {
    /// The path as printed.
    shown: String,
    /// The start path it was found under, and the rest.
    start: String,
    abs: String,
    node: &'n Node,
    depth: usize,
}

struct Walk {
    mindepth: usize,
    maxdepth: Option<usize>,
    depth_first: bool,
    status: i32,
    quit: bool,
    /// `-exec … +`: the command and the paths collected for it.
    batches: Vec<(Vec<String>, Vec<String>)>,
    users: Vec<u32>,
    groups: Vec<u32>,
}

fn ids(sh: &Shell, path: &str) -> Vec<u32> {
    sh.ctx
        .fs
        .read_file(path)
        .map(|d| {
            String::from_utf8_lossy(&d)
                .lines()
                .filter_map(|l| l.split(':').nth(2)?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut i = 1;
    while i < argv.len() && matches!(argv[i].as_str(), "-H" | "-L" | "-P") {
        i += 1;
    }
    let mut starts = Vec::new();
    while i < argv.len() {
        let a = &argv[i];
        if (a.starts_with('-') && a.len() > 1) || a == "(" || a == "!" {
            break;
        }
        starts.push(a.clone());
        i += 1;
    }
    if starts.is_empty() {
        starts.push(".".into());
    }
    let mut p = Parser {
        args: &argv[i..],
        i: 0,
        maxdepth: None,
        mindepth: 0,
        depth_first: false,
        has_action: false,
        seen_test: None,
        warnings: Vec::new(),
    };
    let expr = if p.args.is_empty() {
        Ok(Expr::Const(true))
    } else {
        p.comma(sh).and_then(|e| match p.peek() {
            None => Ok(e),
            Some(")") => Err("find: invalid expression; you have too many ')'\n".into()),
            Some(x) => Err(format!("find: paths must precede expression: `{x}'\n")),
        })
    };
    let expr = match expr {
        Ok(e) => e,
        Err(msg) => {
            if msg.contains("unknown predicate")
                && [
                    "-ok", "-okdir", "-ls", "-fls", "-fprint", "-fprint0", "-fprintf",
                ]
                .iter()
                .any(|x| msg.contains(&format!("`{x}'")))
            {
                sh.unsimulated("find");
                return Ok(0);
            }
            sh.err(io, msg)?;
            return Ok(1);
        }
    };
    for w in std::mem::take(&mut p.warnings) {
        sh.err(io, w)?;
    }
    let expr = if p.has_action {
        expr
    } else {
        Expr::And(Box::new(expr), Box::new(Expr::Print(false)))
    };
    let mut w = Walk {
        mindepth: p.mindepth,
        maxdepth: p.maxdepth,
        depth_first: p.depth_first,
        status: 0,
        quit: false,
        batches: Vec::new(),
        users: ids(sh, "/etc/passwd"),
        groups: ids(sh, "/etc/group"),
    };
    for s in &starts {
        if w.quit {
            break;
        }
        let abs = vfs::clean(&sh.ctx.abs(s));
        let node = match sh.ctx.fs.get(&abs, false) {
            Ok(Some(n)) => n.clone(),
            Ok(None) => Node::Dir(std::sync::Arc::new(vfs::Dir {
                meta: sh.ctx.fs.root_meta(),
                children: Default::default(),
            })),
            Err(e) => {
                sh.err(io, format!("find: '{s}': {}\n", super::why(&e)))?;
                w.status = 1;
                continue;
            }
        };
        // A start path that is a symlink to a directory is walked with -H/-L
        // only; without them it is the link itself.
        visit(sh, io, &expr, &mut w, s, s, &abs, &node, 0)?;
    }
    for (cmd, paths) in std::mem::take(&mut w.batches) {
        if paths.is_empty() {
            continue;
        }
        let mut full = cmd.clone();
        full.extend(paths);
        if exec(sh, io, &full)? != 0 {
            w.status = 1;
        }
    }
    Ok(w.status)
}

#[allow(clippy::too_many_arguments)]
fn visit(
    sh: &mut Shell,
    io: &Io,
    expr: &Expr,
    w: &mut Walk,
    start: &str,
    shown: &str,
    abs: &str,
    node: &Node,
    depth: usize,
) -> Result<(), super::super::Flow> {
    let item = Item {
        shown: shown.to_string(),
        start: start.to_string(),
        abs: abs.to_string(),
        node,
        depth,
    };
    let in_range = depth >= w.mindepth;
    let mut pruned = false;
    if !w.depth_first && in_range {
        eval(sh, io, expr, w, &item, &mut pruned)?;
    }
    let descend =
        matches!(node, Node::Dir(_)) && !pruned && !w.quit && w.maxdepth.is_none_or(|m| depth < m);
    if descend {
        match sh.ctx.fs.read_dir(abs) {
            Ok(children) => {
                for (name, child) in children {
                    if w.quit {
                        break;
                    }
                    let child_shown = if shown.ends_with('/') {
                        format!("{shown}{name}")
                    } else {
                        format!("{shown}/{name}")
                    };
                    let child_abs = if abs == "/" {
                        format!("/{name}")
                    } else {
                        format!("{abs}/{name}")
                    };
                    visit(
                        sh,
                        io,
                        expr,
                        w,
                        start,
                        &child_shown,
                        &child_abs,
                        &child,
                        depth + 1,
                    )?;
                }
            }
            Err(e) => {
                sh.err(io, format!("find: '{shown}': {}\n", super::why(&e)))?;
                w.status = 1;
            }
        }
    }
    if w.depth_first && in_range && !w.quit {
        eval(sh, io, expr, w, &item, &mut pruned)?;
    }
    Ok(())
}

fn basename(shown: &str) -> &str {
    let t = shown.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

fn eval(
    sh: &mut Shell,
    io: &Io,
    e: &Expr,
    w: &mut Walk,
    it: &Item,
    pruned: &mut bool,
) -> Result<bool, super::super::Flow> {
    let m = it.node.meta();
    Ok(match e {
        Expr::And(a, b) => eval(sh, io, a, w, it, pruned)? && eval(sh, io, b, w, it, pruned)?,
        Expr::Or(a, b) => eval(sh, io, a, w, it, pruned)? || eval(sh, io, b, w, it, pruned)?,
        Expr::Comma(a, b) => {
            eval(sh, io, a, w, it, pruned)?;
            eval(sh, io, b, w, it, pruned)?
        }
        Expr::Not(a) => !eval(sh, io, a, w, it, pruned)?,
        Expr::Const(b) => *b,
        Expr::Name(p, ci) => {
            let n = basename(&it.shown);
            if *ci {
                pattern::matches(&p.to_lowercase(), &n.to_lowercase())
            } else {
                pattern::matches(p, n)
            }
        }
        Expr::Path(p, ci) => {
            if *ci {
                pattern::matches(&p.to_lowercase(), &it.shown.to_lowercase())
            } else {
                pattern::matches(p, &it.shown)
            }
        }
        Expr::Regex(r) => r.is_match(&it.shown),
        Expr::Type(kinds) => {
            let k = match it.node.kind() {
                Kind::File => 'f',
                Kind::Dir => 'd',
                Kind::Symlink => 'l',
            };
            kinds.contains(&k)
        }
        Expr::Perm(bits, kind) => {
            let mode = m.mode & 0o7777;
            match kind {
                '-' => mode & bits == *bits,
                '/' => *bits == 0 || mode & bits != 0,
                _ => mode == *bits,
            }
        }
        Expr::Uid(u) => m.uid == *u,
        Expr::Gid(g) => m.gid == *g,
        Expr::NoUser => !w.users.contains(&m.uid),
        Expr::NoGroup => !w.groups.contains(&m.gid),
        Expr::Size(n, unit, cmp) => {
            let size = it.node.size();
            let units = size.div_ceil(*unit);
            match cmp {
                '+' => units > *n,
                '-' => units < *n,
                _ => units == *n,
            }
        }
        Expr::Empty => match it.node {
            Node::File(f) => f.data.is_empty(),
            Node::Dir(d) => d.children.is_empty(),
            Node::Symlink(_) => false,
        },
        Expr::Newer(t) => m.mtime > *t,
        Expr::Age(n, unit, cmp) => {
            let age = (sh.ctx.mtime - m.mtime).div_euclid(*unit);
            match cmp {
                '+' => age > *n,
                '-' => age < *n,
                _ => age == *n,
            }
        }
        Expr::Executable => match it.node {
            Node::Symlink(_) => false,
            _ => m.mode & 0o111 != 0,
        },
        Expr::Print(nul) => {
            let end = if *nul { '\0' } else { '\n' };
            sh.out(io, format!("{}{end}", it.shown))?;
            true
        }
        Expr::Printf(f) => {
            let s = printf(sh, f, it);
            sh.out(io, s)?;
            true
        }
        Expr::Delete => {
            let r = match it.node {
                Node::Dir(_) => match sh.ctx.fs.read_dir(&it.abs) {
                    Ok(c) if !c.is_empty() => Err("Directory not empty".to_string()),
                    _ => sh.ctx.fs.remove(&it.abs).map_err(|e| super::why(&e)),
                },
                _ => sh.ctx.fs.remove(&it.abs).map_err(|e| super::why(&e)),
            };
            if it.abs == "/" || it.shown == "." {
                // find never deletes its "." start.
                return Ok(true);
            }
            match r {
                Ok(()) => true,
                Err(why) => {
                    sh.err(io, format!("find: cannot delete '{}': {why}\n", it.shown))?;
                    w.status = 1;
                    false
                }
            }
        }
        Expr::Exec { argv, batch, dir } => {
            let path = if *dir {
                format!("./{}", basename(&it.shown))
            } else {
                it.shown.clone()
            };
            if *batch {
                match w.batches.iter_mut().find(|(c, _)| c == argv) {
                    Some((_, paths)) => paths.push(path),
                    None => w.batches.push((argv.clone(), vec![path])),
                }
                true
            } else {
                let full: Vec<String> = argv.iter().map(|a| a.replace("{}", &path)).collect();
                exec(sh, io, &full)? == 0
            }
        }
        Expr::Prune => {
            if !w.depth_first {
                *pruned = true;
            }
            true
        }
        Expr::Quit => {
            w.quit = true;
            true
        }
    })
}

fn printf(sh: &Shell, f: &str, it: &Item) -> String {
    let m = it.node.meta();
    let mut out = String::new();
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            },
            '%' => match chars.next() {
                Some('p') => out.push_str(&it.shown),
                Some('P') => {
                    let rest = it
                        .shown
                        .strip_prefix(it.start.as_str())
                        .unwrap_or(&it.shown);
                    out.push_str(rest.trim_start_matches('/'));
                }
                Some('f') => out.push_str(basename(&it.shown)),
                Some('h') => out.push_str(match it.shown.rsplit_once('/') {
                    Some(("", _)) => "/",
                    Some((h, _)) => h,
                    None => ".",
                }),
                Some('s') => out.push_str(&it.node.size().to_string()),
                Some('m') => out.push_str(&format!("{:o}", m.mode & 0o7777)),
                Some('d') => out.push_str(&it.depth.to_string()),
                Some('U') => out.push_str(&m.uid.to_string()),
                Some('G') => out.push_str(&m.gid.to_string()),
                Some('u') => out.push_str(
                    &chown::name_of(sh.ctx.fs, "/etc/passwd", m.uid)
                        .unwrap_or_else(|| m.uid.to_string()),
                ),
                Some('g') => out.push_str(
                    &chown::name_of(sh.ctx.fs, "/etc/group", m.gid)
                        .unwrap_or_else(|| m.gid.to_string()),
                ),
                Some('y') => out.push(match it.node.kind() {
                    Kind::File => 'f',
                    Kind::Dir => 'd',
                    Kind::Symlink => 'l',
                }),
                Some('l') => {
                    if let Node::Symlink(l) = it.node {
                        out.push_str(&l.target);
                    }
                }
                Some('%') => out.push('%'),
                Some(o) => {
                    out.push('%');
                    out.push(o);
                }
                None => out.push('%'),
            },
            c => out.push(c),
        }
    }
    out
}

/// Runs a command for `-exec`, counting it as a step.
fn exec(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let span = sh.ctx.span;
    sh.step(span)?;
    let r = sh.exec_argv_at(argv, io, span);
    sh.ctx.span = span;
    r
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    const TREE: &str = "mkdir -p /t/a/test /t/b && touch /t/a/x.pyc /t/a/y.py /t/b/z.pyc /t/a/test/q && ln -s a /t/l && cd /t && ";

    #[test]
    fn order_names_types_and_depth() {
        let r = sh(&format!(
            "{TREE} find . ; find /t -name '*.pyc'; find /t -maxdepth 1 -type d; find /t/a -mindepth 1 -type f -o -type l"
        ));
        assert_eq!(
            r.out,
            ".\n./a\n./a/test\n./a/test/q\n./a/x.pyc\n./a/y.py\n./b\n./b/z.pyc\n./l\n\
             /t/a/x.pyc\n/t/b/z.pyc\n\
             /t\n/t/a\n/t/b\n\
             /t/a/test/q\n/t/a/x.pyc\n/t/a/y.py\n"
        );
        assert_eq!(r.status, 0);
        let r = sh(&format!(
            "{TREE} find . -path ./a -prune -o -type f -print; find . \\! -type d -name '[xz]*' -printf '%f %P %h\\n'"
        ));
        assert_eq!(r.out, "./b/z.pyc\nx.pyc a/x.pyc ./a\nz.pyc b/z.pyc ./b\n");
    }

    #[test]
    fn delete_and_exec_change_the_filesystem() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            &format!(
                "{TREE} find / -name '*.pyc' -delete && find /t -depth \\( -type d -a -name test \\) -exec rm -rf '{{}}' + && find /t -type f -exec echo got {{}} \\;"
            ),
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.out, "got /t/a/y.py\n");
        assert!(fs.stat("/t/a/x.pyc").is_err() && fs.stat("/t/a/test").is_err());
        assert!(fs.stat("/t/a/y.py").is_ok());
    }

    #[test]
    fn perms_owners_sizes_and_empty() {
        let r = sh(
            "mkdir /s && printf 12345 > /s/five && touch /s/zero && chmod 4755 /s/five && chown 1000 /s/zero && mkdir /s/e \
                    && find /s -perm -4000; find /s -user app; find /s -size -1c -type f; find /s -empty; find /s -size +1 ; find /s -perm /o=w",
        );
        assert_eq!(r.out, "/s/five\n/s/zero\n/s/zero\n/s/e\n/s/zero\n");
        assert_eq!(r.status, 0);
    }

    #[test]
    fn errors_are_gnu_finds() {
        let r = sh(
            "find /nope; echo $?; find / -bogus; echo $?; find / -name; echo $?; find /tmp -exec echo; echo $?",
        );
        assert_eq!(r.out, "1\n1\n1\n1\n");
        assert_eq!(
            r.err,
            "find: '/nope': No such file or directory\nfind: unknown predicate `-bogus'\nfind: missing argument to `-name'\nfind: missing argument to `-exec'\n"
        );
        let r = sh("mkdir -p /d/e && find /d -name e -maxdepth 1");
        assert_eq!(r.out, "/d/e\n");
        assert!(r.err.starts_with(
            "find: warning: you have specified the global option -maxdepth after the argument -name"
        ));
    }
}
