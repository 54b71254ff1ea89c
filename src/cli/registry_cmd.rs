//! `login`, `logout`, `push`, `pull`: the registry protocol over the native
//! transport, with Docker's output, and credentials in a Docker-compatible
//! config.json.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::net::Native;
use super::store::{DiskStore, data_dir, write_atomic};
use crate::build::images;
use crate::registry::auth::Credentials;
use crate::registry::client::{Client, Endpoint};
use crate::registry::reference::Reference;
use crate::registry::{Event, Status, pull, push};

/// Docker keeps Docker Hub's credentials under this key.
const HUB_KEY: &str = "https://index.docker.io/v1/";

#[derive(Args)]
pub struct LoginArgs {
    /// The registry (default: Docker Hub).
    server: Option<String>,
    #[arg(short, long)]
    username: Option<String>,
    /// Read the password (or token) from standard input.
    #[arg(long)]
    password_stdin: bool,
    /// Speak HTTP, not HTTPS (for a local registry).
    #[arg(long)]
    insecure: bool,
}

#[derive(Args)]
pub struct LogoutArgs {
    server: Option<String>,
}

#[derive(Args)]
pub struct PushArgs {
    /// NAME[:TAG], as tagged in the local store.
    name: String,
    /// Speak HTTP, not HTTPS. Loopback registries (localhost, 127.0.0.1)
    /// are spoken to over HTTP always, as Docker allows them.
    #[arg(long)]
    insecure: bool,
    /// Print only the digest line.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub struct PullArgs {
    /// NAME[:TAG|@DIGEST].
    name: String,
    #[arg(long, default_value = "linux/amd64")]
    platform: String,
    #[arg(long)]
    insecure: bool,
    #[arg(short, long)]
    quiet: bool,
}

/// `$XDG_CONFIG_HOME/layerlab`, else `~/.config/layerlab`.
fn config_dir() -> Result<PathBuf> {
    let set = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = set("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(d).join("layerlab"));
    }
    match set("HOME") {
        Some(h) => Ok(PathBuf::from(h).join(".config/layerlab")),
        None => bail!("cannot find a config directory: set XDG_CONFIG_HOME or HOME"),
    }
}

fn key_for(domain: &str) -> String {
    if domain == "docker.io" || domain == "index.docker.io" {
        HUB_KEY.into()
    } else {
        domain.to_string()
    }
}

/// config.json, kept whole so that keys layerlab does not use survive.
struct Config {
    path: PathBuf,
    json: serde_json::Map<String, serde_json::Value>,
}

impl Config {
    fn load() -> Result<Config> {
        let path = config_dir()?.join("config.json");
        let json = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not valid JSON", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::Map::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Config { path, json })
    }

    fn credentials(&self, domain: &str) -> Option<Credentials> {
        let auth = self.json.get("auths")?.get(key_for(domain))?.get("auth")?;
        Credentials::decode(auth.as_str()?)
    }

    fn set(&mut self, domain: &str, creds: Option<&Credentials>) -> bool {
        let auths = self
            .json
            .entry("auths")
            .or_insert_with(|| serde_json::json!({}));
        let Some(auths) = auths.as_object_mut() else {
            return false;
        };
        match creds {
            Some(c) => {
                auths.insert(key_for(domain), serde_json::json!({ "auth": c.encoded() }));
                true
            }
            None => auths.remove(&key_for(domain)).is_some(),
        }
    }

    /// Written atomically, readable by its owner only.
    fn save(&self) -> Result<()> {
        let dir = self.path.parent().expect("config.json has a directory");
        std::fs::create_dir_all(dir)?;
        let mut bytes = serde_json::to_vec_pretty(&self.json)?;
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(())
    }
}

/// A domain's endpoint: HTTP for `--insecure` and loopback, else HTTPS.
pub fn endpoint(domain: &str, insecure: bool) -> Endpoint {
    let host = domain.rsplit_once(':').map_or(domain, |(h, _)| h);
    let loopback = host == "localhost"
        || host.starts_with("127.")
        || host == "[::1]"
        || host.ends_with(".localhost");
    Endpoint::for_domain(domain, insecure || loopback)
}

fn parse_reference(name: &str) -> Result<Reference> {
    Reference::parse_normalized(name).map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

pub fn login_cmd(a: LoginArgs) -> Result<ExitCode> {
    let domain = match &a.server {
        Some(s) => {
            let s = s
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/');
            if s == "index.docker.io/v1" {
                "docker.io".to_string()
            } else {
                s.to_string()
            }
        }
        None => "docker.io".to_string(),
    };
    let username = match a.username {
        Some(u) => u,
        None => {
            eprint!("Username: ");
            std::io::stderr().flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim().to_string()
        }
    };
    let password = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")?
    } else {
        bail!("no password: pass --password-stdin and write it to standard input");
    };
    if username.is_empty() || password.is_empty() {
        bail!("a user name and a password are both needed");
    }
    let creds = Credentials::new(username, password);
    let mut client = Client::new(
        Native::new(),
        endpoint(&domain, a.insecure),
        Some(creds.clone()),
    );
    if let Err(e) = pollster::block_on(client.ping()) {
        eprintln!("Error response from daemon: login to {domain}: {e}");
        return Ok(ExitCode::from(1));
    }
    let mut config = Config::load()?;
    config.set(&domain, Some(&creds));
    config.save()?;
    eprintln!(
        "Credentials for {domain} are stored in {} (mode 0600, base64 as Docker's config.json: not encrypted).",
        config.path.display()
    );
    println!("Login Succeeded");
    Ok(ExitCode::SUCCESS)
}

pub fn logout_cmd(a: LogoutArgs) -> Result<ExitCode> {
    let domain = a.server.unwrap_or_else(|| "docker.io".into());
    let mut config = Config::load()?;
    if config.set(&domain, None) {
        config.save()?;
        println!("Removing login credentials for {}", key_for(&domain));
    } else {
        println!("Not logged in to {}", key_for(&domain));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn push_cmd(a: PushArgs) -> Result<ExitCode> {
    let target = parse_reference(&a.name)?;
    if target.digest.is_some() {
        bail!("cannot push a digest reference");
    }
    let mut target = target;
    if target.tag.is_none() {
        println!("Using default tag: latest");
        target.tag = Some("latest".into());
    }
    let store = DiskStore::open(&data_dir()?, false)?;
    let views = images::list(&store)?;
    let full = target.to_string();
    let Some(image) = views.iter().find(|v| v.tags.contains(&full)) else {
        eprintln!(
            "An image does not exist locally with the tag: {}",
            images::familiar(&target.name())
        );
        return Ok(ExitCode::from(1));
    };
    let creds = Config::load()?.credentials(&target.domain);
    let mut client = Client::new(Native::new(), endpoint(&target.domain, a.insecure), creds);
    let mut view = Progress::new(a.quiet);
    let result = pollster::block_on(push::push(
        &mut client,
        &store,
        &image.manifest,
        &target,
        &mut |e| view.event(e),
    ));
    view.finish();
    match result {
        Ok(p) => {
            if a.quiet {
                println!("{}: digest: {} size: {}", p.tag, p.digest, p.size);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn pull_cmd(a: PullArgs) -> Result<ExitCode> {
    let mut reference = parse_reference(&a.name)?;
    if reference.tag.is_none() && reference.digest.is_none() {
        if !a.quiet {
            println!("Using default tag: latest");
        }
        reference.tag = Some("latest".into());
    }
    let mut store = DiskStore::open(&data_dir()?, true)?;
    let creds = Config::load()?.credentials(&reference.domain);
    let mut client = Client::new(
        Native::new(),
        endpoint(&reference.domain, a.insecure),
        creds,
    );
    let mut view = Progress::new(a.quiet);
    let result = pollster::block_on(pull::pull(
        &mut client,
        &mut store,
        &reference,
        &a.platform,
        &mut |e| view.event(e),
    ));
    view.finish();
    match result {
        Ok(p) => {
            let shown = p
                .name
                .clone()
                .unwrap_or_else(|| format!("{}/{}@{}", reference.domain, reference.path, p.digest));
            if !a.quiet {
                let familiar = images::familiar(&shown);
                if p.up_to_date {
                    println!("Status: Image is up to date for {familiar}");
                } else {
                    println!("Status: Downloaded newer image for {familiar}");
                }
            }
            println!("{shown}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Docker's progress output: a line per layer state, and on a terminal a
/// bar per transfer.
struct Progress {
    quiet: bool,
    bars: Option<MultiProgress>,
    active: BTreeMap<String, ProgressBar>,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let bars = (!quiet && std::io::stdout().is_terminal()).then(MultiProgress::new);
        Progress {
            quiet,
            bars,
            active: BTreeMap::new(),
        }
    }

    fn event(&mut self, e: Event) {
        if self.quiet {
            return;
        }
        match e {
            Event::Line(l) => self.println(&l),
            Event::Layer { id, status } => {
                if let (Some(m), Status::Pushing | Status::Downloading) = (&self.bars, &status) {
                    let bar = m.add(ProgressBar::new(0));
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{prefix}: {msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}",
                        )
                        .expect("a valid template")
                        .progress_chars("=> "),
                    );
                    bar.set_prefix(id.clone());
                    bar.set_message(status.to_string());
                    self.active.insert(id, bar);
                    return;
                }
                if let Some(bar) = self.active.remove(&id) {
                    bar.finish_and_clear();
                }
                // Transfers show as bars on a terminal; Docker's plain
                // output leaves them out.
                if matches!(status, Status::Pushing | Status::Downloading) {
                    return;
                }
                self.println(&format!("{id}: {status}"));
            }
            Event::Progress { id, done, total } => {
                if let Some(bar) = self.active.get(&id) {
                    bar.set_length(total);
                    bar.set_position(done);
                }
            }
        }
    }

    fn println(&self, line: &str) {
        match &self.bars {
            // Lines go to stdout with the bars (stderr) cleared and redrawn.
            Some(m) => m.suspend(|| println!("{line}")),
            None => println!("{line}"),
        }
    }

    fn finish(&mut self) {
        for (_, bar) in std::mem::take(&mut self.active) {
            bar.finish_and_clear();
        }
    }
}
