//! `layerlab share`: a context directory as a playground link (or state
//! file), and `--open`, a link back into a directory.

use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::build_cmd::{load_context, read_dockerignore};
use crate::share::{self, File, Playground, ShareError};
use crate::vfs::Node;

/// Where `scripts/serve.sh` serves the page.
const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

#[derive(Args)]
pub struct ShareArgs {
    /// The Dockerfile (default: CONTEXT/Dockerfile).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// A build-time variable the playground builds with (`KEY=VALUE`).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    build_args: Vec<String>,
    /// The stage to build.
    #[arg(long)]
    target: Option<String>,
    /// The page the link opens.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE)]
    base: String,
    /// Also write the playground as a state file the page can open (for
    /// playgrounds too big for a link).
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write the playground of a link (or of a state file) into DIR instead.
    #[arg(
        long,
        value_name = "LINK|STATE_FILE",
        conflicts_with_all = ["file", "build_args", "target", "output"]
    )]
    open: Option<String>,
    /// With --open: overwrite files that exist.
    #[arg(long, requires = "open")]
    force: bool,
    /// The context directory to share (default: .), or with --open the
    /// directory to write.
    #[arg(value_name = "CONTEXT|DIR")]
    path: Option<PathBuf>,
}

pub fn share_cmd(args: ShareArgs) -> Result<ExitCode> {
    if let Some(source) = &args.open {
        let Some(dir) = &args.path else {
            bail!("--open needs the directory to write into: layerlab share --open LINK DIR");
        };
        return open(source, dir, args.force);
    }
    let context = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let p = read_playground(&args, &context)?;
    share::validate(&p).map_err(|e| anyhow::anyhow!("cannot share {}: {e}", context.display()))?;
    if let Some(out) = &args.output {
        std::fs::write(out, share::to_file_json(&p))
            .with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!(
            "layerlab: wrote {}, a state file the page can open",
            out.display()
        );
    }
    let link = share::link(&args.base, &p);
    // Whatever the link holds must open again: the decoder's bounds decide.
    match share::from_link(&link) {
        Ok(_) => {}
        Err(e @ (ShareError::PayloadTooLong { .. } | ShareError::Inflated)) => {
            if args.output.is_some() {
                eprintln!("layerlab: no link: {e}");
                return Ok(ExitCode::SUCCESS);
            }
            bail!("too big for a link: {e}; `--output state.json` writes a file the page can open");
        }
        Err(e) => bail!("the link would not open again: {e}"),
    }
    println!("{link}");
    if share::too_long(&link) && args.output.is_none() {
        eprintln!(
            "layerlab: the link is {} characters: too long for most chat apps; `--output state.json` writes a file the page can open",
            link.chars().count()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The Dockerfile, the context as a build would read it (`.dockerignore`
/// applied, by the build's own reader), and the options.
fn read_playground(args: &ShareArgs, context: &Path) -> Result<Playground> {
    if !context.is_dir() {
        bail!("the context {} is not a directory", context.display());
    }
    let df_path = args
        .file
        .clone()
        .unwrap_or_else(|| context.join("Dockerfile"));
    let dockerfile = super::read_source(&df_path)?;
    let (ignore_text, ignore) = read_dockerignore(Some(&df_path), context)?;
    let loaded = load_context(context, &ignore)?;

    // The Dockerfile at the context's root is the playground's Dockerfile,
    // and `--open` writes it back there; kept as a file too, it would be two.
    let root_dockerfile = std::fs::canonicalize(&df_path).ok()
        == std::fs::canonicalize(context.join("Dockerfile")).ok();
    let mut files = Vec::new();
    for (path, node) in loaded
        .fs
        .walk("/")
        .map_err(|e| anyhow::anyhow!("build context: {e}"))?
    {
        let rel = path.trim_start_matches('/').to_string();
        match node {
            Node::File(f) => {
                if rel == "Dockerfile" && root_dockerfile {
                    continue;
                }
                files.push(File {
                    path: rel,
                    content: f.data.to_vec(),
                    mode: f.meta.mode & 0o777,
                });
            }
            Node::Symlink(_) => {
                eprintln!("layerlab: {rel}: a symlink; links carry files only, so it is left out")
            }
            Node::Dir(_) => {}
        }
    }
    // The page applies `.dockerignore` itself, so the link carries it, even
    // when it ignores itself or came from next to the Dockerfile.
    if !ignore_text.is_empty() {
        match files.iter_mut().find(|f| f.path == ".dockerignore") {
            Some(f) => f.content = ignore_text.into_bytes(),
            None => files.insert(0, File::new(".dockerignore", ignore_text.into_bytes())),
        }
    }

    let mut build_args = Vec::new();
    for a in &args.build_args {
        let Some((k, v)) = a.split_once('=') else {
            // `build` reads a bare name from the environment; a link is read
            // by others, and the environment may hold secrets.
            bail!(
                "--build-arg {a}: give the value (KEY=VALUE); share does not copy the environment into a link"
            );
        };
        build_args.push((k.to_string(), v.to_string()));
    }
    Ok(Playground {
        dockerfile,
        files,
        build_args,
        target: args.target.clone(),
        view: None,
        layer: None,
    })
}

/// A link, a fragment, a payload, or a file holding a state or a link.
fn load(source: &str) -> Result<Playground> {
    let path = Path::new(source);
    if !path.is_file() {
        return share::from_link(source).map_err(|e| anyhow::anyhow!("{e}"));
    }
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot open {}", path.display()))?
        .take(share::MAX_STATE_FILE as u64 + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(buf)
        .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", path.display()))?;
    let p = if text.trim_start().starts_with('{') {
        share::from_file_json(&text)
    } else {
        share::from_link(&text)
    };
    p.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn open(source: &str, dir: &Path, force: bool) -> Result<ExitCode> {
    let p = load(source)?;
    // Decoding validated it; writing to disk checks the paths again, since
    // this is where a bad one would do harm.
    share::validate(&p)?;
    let df_name = dockerfile_name(&p);
    let mut writes: Vec<(&str, &[u8], u32)> = Vec::new();
    if !p.files.iter().any(|f| f.path == df_name) {
        writes.push((df_name, p.dockerfile.as_bytes(), 0o644));
    }
    for f in &p.files {
        share::check_path(&f.path)?;
        writes.push((&f.path, &f.content, f.mode & 0o777));
    }

    // Every refusal before the first write: nothing half-opened.
    let mut problems = Vec::new();
    for (rel, _, _) in &writes {
        if let Some(problem) = obstacle(dir, rel, force) {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        bail!(
            "not writing into {}:\n  {}",
            dir.display(),
            problems.join("\n  ")
        );
    }

    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut out = std::io::stdout().lock();
    for (rel, content, mode) in &writes {
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if force && target.symlink_metadata().is_ok() {
            // Replaced, not written through: the old entry may be a symlink.
            std::fs::remove_file(&target)
                .with_context(|| format!("cannot replace {}", target.display()))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(*mode)
            .open(&target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        f.write_all(content)
            .with_context(|| format!("cannot write {}", target.display()))?;
        // The umask applied at creation; the playground's mode is the one
        // a build sees.
        f.set_permissions(std::fs::Permissions::from_mode(*mode))?;
        writeln!(
            out,
            "wrote {} ({} bytes, mode {mode:04o})",
            target.display(),
            content.len()
        )?;
    }

    let mut cmd = vec!["layerlab".to_string(), "build".to_string()];
    if df_name != "Dockerfile" {
        cmd.push("-f".into());
        cmd.push(quote(&dir.join(df_name).to_string_lossy()));
    }
    for (k, v) in &p.build_args {
        cmd.push("--build-arg".into());
        cmd.push(quote(&format!("{k}={v}")));
    }
    if let Some(t) = &p.target {
        cmd.push("--target".into());
        cmd.push(quote(t));
    }
    cmd.push(quote(&dir.to_string_lossy()));
    writeln!(out, "\nbuild it with:\n  {}", cmd.join(" "))?;
    if p.view.is_some() || p.layer.is_some() {
        let view = p.view.as_deref().unwrap_or("default");
        match p.layer {
            Some(l) => writeln!(out, "(the page opens it on the {view} view, layer {l})")?,
            None => writeln!(out, "(the page opens it on the {view} view)")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the playground's Dockerfile goes: `Dockerfile`, unless the context
/// has a different file of that name.
fn dockerfile_name(p: &Playground) -> &'static str {
    let taken = |name: &str| {
        p.files
            .iter()
            .any(|f| f.path == name && f.content != p.dockerfile.as_bytes())
    };
    [
        "Dockerfile",
        "layerlab.Dockerfile",
        "layerlab-shared.Dockerfile",
    ]
    .into_iter()
    .find(|n| !taken(n))
    .unwrap_or("layerlab-shared.Dockerfile")
}

/// Why `rel` cannot be written under `dir`, if it cannot: something in the
/// way that is not a directory (a symlink could lead outside `dir`), or a
/// file that exists without `--force`.
fn obstacle(dir: &Path, rel: &str, force: bool) -> Option<String> {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let Ok(md) = at.symlink_metadata() else {
            return None;
        };
        let last = i + 1 == parts.len();
        if !last && !md.is_dir() {
            return Some(format!("{}: exists and is not a directory", at.display()));
        }
        if last {
            if md.is_dir() {
                return Some(format!("{}: exists and is a directory", at.display()));
            }
            if !force {
                return Some(format!("{}: exists (--force overwrites)", at.display()));
            }
        }
    }
    None
}

/// A shell word that reads back as `s`.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./=:,@+%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
