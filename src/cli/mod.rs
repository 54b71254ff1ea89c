//! The command-line face: argument parsing and printing over the core.

use crate::dockerfile::{self, LineIndex, parser::MAX_SOURCE_BYTES};
use crate::lint;
use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "layerlab",
    version,
    about = "A Dockerfile playground: parse, lint and build images without a daemon"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a Dockerfile and print its syntax tree.
    Parse {
        /// Print BuildKit's `Node.Dump()` format (the default; the flag says it explicitly).
        #[arg(long, conflicts_with = "json")]
        dump: bool,
        /// Print the tree with byte spans as JSON.
        #[arg(long)]
        json: bool,
        /// The Dockerfile ("-" reads standard input; at most 2 MiB).
        file: PathBuf,
    },
    /// Report problems: syntax errors and rule findings with their location, a
    /// code frame and the rule code. Exit 1 when a problem is at or above the
    /// failure threshold (default: info, as hadolint).
    Lint(Box<LintArgs>),
    /// List the lint rules.
    Rules,
    /// Print a rule's page (by code, e.g. DL3006, or name).
    Rule { code: String },
    /// Build an image from a Dockerfile and a context directory into the
    /// image store (an OCI image layout in $LAYERLAB_DATA_DIR, else
    /// $XDG_DATA_HOME/layerlab, else ~/.local/share/layerlab).
    Build(Box<BuildArgsCli>),
    /// List images.
    Images(ImagesArgs),
    /// Manage images.
    Image {
        #[command(subcommand)]
        cmd: ImageCmd,
    },
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.
    Tag(TagArgs),
    /// Remove one or more images.
    Rmi(RmiArgs),
    /// Show the history of an image.
    History(HistoryArgs),
    /// Display detailed information on one or more images.
    Inspect(InspectArgs),
    /// Save one or more images to a tar archive (an OCI image layout).
    Save(SaveArgs),
    /// Load images from a tar archive (an OCI image layout).
    Load(LoadArgs),
    /// Log in to a registry (credentials go to $XDG_CONFIG_HOME/layerlab/config.json, mode 0600).
    Login(LoginArgs),
    /// Log out from a registry.
    Logout(LogoutArgs),
    /// Upload an image to a registry.
    Push(PushArgs),
    /// Download an image from a registry.
    Pull(PullArgs),
    /// Forward the page's registry requests to registries a browser cannot
    /// reach (no CORS headers, or a preflight refused), from loopback.
    Relay(RelayArgs),
    /// Print a playground link for a context directory (the Dockerfile,
    /// the files `.dockerignore` keeps, build arguments, target), or with
    /// --open write a link's playground into a directory.
    Share(Box<ShareArgs>),
    /// Manage the image store.
    System {
        #[command(subcommand)]
        cmd: SystemCmd,
    },
}

mod build_cmd;
mod images_cmd;
mod lint_cmd;
mod net;
mod registry_cmd;
mod relay;
use relay::RelayArgs;
mod share_cmd;
pub mod store;
use build_cmd::{BuildArgsCli, build_cmd};
use images_cmd::{
    HistoryArgs, ImageCmd, ImagesArgs, InspectArgs, LoadArgs, RmiArgs, SaveArgs, SystemCmd, TagArgs,
};
use lint_cmd::{LintArgs, lint_cmd};
use registry_cmd::{LoginArgs, LogoutArgs, PullArgs, PushArgs};
use share_cmd::{ShareArgs, share_cmd};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `layerlab rules | head`: the reader went away; nothing to report.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("layerlab: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Parse { json, file, .. } => {
            let src = read_source(&file)?;
            let ast = dockerfile::parse(&src);
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &ast)?;
                writeln!(out)?;
                return Ok(exit_for(ast.first_error().is_some()));
            }
            // BuildKit's parser stops at its first error; so does the dump.
            if let Some(e) = ast.first_error() {
                let idx = LineIndex::new(&src);
                let at = idx.line_col(e.span.start);
                eprintln!("{}:{}:{}: {}", file.display(), at.line, at.col, e.message);
                return Ok(ExitCode::from(1));
            }
            writeln!(out, "{}", ast.dump())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint(args) => lint_cmd(*args),
        Command::Rules => {
            let mut out = std::io::stdout().lock();
            for r in lint::rules::ALL {
                let m = r.meta();
                let summary = lint::format::summary(m);
                // The first sentence: up to a full stop that ends a word.
                let first = summary
                    .find(". ")
                    .map_or(summary.as_str(), |i| &summary[..=i]);
                let mut notes = Vec::new();
                if !m.also.is_empty() {
                    notes.push(format!("also {}", m.also.join(", ")));
                }
                if !m.enabled_by_default {
                    notes.push("off by default".to_string());
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join("; "))
                };
                writeln!(out, "{:<28} {:<8} {first}{notes}", m.code, m.level.as_str())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Build(args) => build_cmd(*args),
        Command::Images(a) => images_cmd::images_cmd(a),
        Command::Image { cmd } => images_cmd::image_cmd(cmd),
        Command::Tag(a) => images_cmd::tag_cmd(a),
        Command::Rmi(a) => images_cmd::rmi_cmd(a),
        Command::History(a) => images_cmd::history_cmd(a),
        Command::Inspect(a) => images_cmd::inspect_cmd(a),
        Command::Save(a) => images_cmd::save_cmd(a),
        Command::Load(a) => images_cmd::load_cmd(a),
        Command::Login(a) => registry_cmd::login_cmd(a),
        Command::Logout(a) => registry_cmd::logout_cmd(a),
        Command::Push(a) => registry_cmd::push_cmd(a),
        Command::Pull(a) => registry_cmd::pull_cmd(a),
        Command::Relay(a) => relay::relay_cmd(a),
        Command::Share(a) => share_cmd(*a),
        Command::System {
            cmd: SystemCmd::Df { verbose },
        } => images_cmd::system_df_cmd(verbose),
        Command::Rule { code } => match lint::rule(&code) {
            Some(r) => {
                let m = r.meta();
                let mut out = std::io::stdout().lock();
                writeln!(out, "# {} ({})\n", m.code, m.name)?;
                writeln!(out, "Level: {}. Reference: {}\n", m.level.as_str(), m.url())?;
                writeln!(out, "{}", m.page().trim_end())?;
                Ok(ExitCode::SUCCESS)
            }
            None => bail!("no rule {code}; `layerlab rules` lists them"),
        },
    }
}

pub(crate) fn exit_for(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a Dockerfile, refusing anything larger than the core accepts before
/// reading it all. Invalid UTF-8 is replaced (BuildKit reads bytes; layerlab's
/// core works on text), and said.
pub(crate) fn read_source(path: &Path) -> Result<String> {
    let limit = MAX_SOURCE_BYTES as u64;
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut buf)?;
    } else {
        let f =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        f.take(limit + 1)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    if buf.len() as u64 > limit {
        bail!(
            "{}: larger than {} bytes, the most layerlab reads from one Dockerfile",
            path.display(),
            MAX_SOURCE_BYTES
        );
    }
    match String::from_utf8(buf) {
        Ok(s) => Ok(s),
        Err(e) => {
            eprintln!(
                "layerlab: {}: not valid UTF-8 at byte {}; invalid bytes are read as U+FFFD",
                path.display(),
                e.utf8_error().valid_up_to()
            );
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}
