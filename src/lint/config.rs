//! Configuration in hadolint's `.hadolint.yaml` shape, and what it does to
//! findings. The CLI reads the file and maps its flags onto the same struct, so
//! a flag and a config key can never mean different things.

use super::{Level, Meta};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The level at or above which a finding fails the run (`--failure-threshold`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Threshold {
    Error,
    Warning,
    #[default]
    Info,
    Style,
    /// Nothing fails (hadolint's `ignore` and `none`).
    #[serde(alias = "ignore")]
    None,
}

impl Threshold {
    /// hadolint's rule: a finding at or above the threshold fails the run.
    pub fn fails(self, level: Level) -> bool {
        let limit = match self {
            Threshold::Error => Level::Error,
            Threshold::Warning => Level::Warning,
            Threshold::Info => Level::Info,
            Threshold::Style => Level::Style,
            Threshold::None => return false,
        };
        level <= limit
    }
}

/// The type a label's value must have (`label-schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any non-empty text.
    Text,
    Url,
    /// A git commit hash: 40 or 7+ hex digits.
    Hash,
    /// An RFC 3339 timestamp.
    Rfc3339,
    Semver,
    Email,
    /// An SPDX license identifier.
    Spdx,
}

/// `override:` — rule codes moved to another level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub error: Vec<String>,
    #[serde(default)]
    pub warning: Vec<String>,
    #[serde(default)]
    pub info: Vec<String>,
    #[serde(default)]
    pub style: Vec<String>,
}

/// Everything `.hadolint.yaml` can say. Unknown keys are an error (a typo
/// should not silently turn a rule back on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// Rules never reported.
    #[serde(default)]
    pub ignored: Vec<String>,
    #[serde(default, rename = "override")]
    pub overrides: Overrides,
    #[serde(default)]
    pub failure_threshold: Option<Threshold>,
    /// Registries FROM may pull from (DL3026); empty means any.
    #[serde(default, rename = "trustedRegistries", alias = "trusted-registries")]
    pub trusted_registries: Vec<String>,
    /// Labels every image must carry, and the type of each (DL3049–DL3058).
    #[serde(default)]
    pub label_schema: BTreeMap<String, LabelType>,
    /// Labels not in the schema are reported (DL3050).
    #[serde(default)]
    pub strict_labels: bool,
    /// `# hadolint ignore=` and `# check=skip=` comments are not honoured.
    #[serde(default)]
    pub disable_ignore_pragma: bool,
    #[serde(default)]
    pub no_fail: bool,
    #[serde(default)]
    pub no_color: bool,
    /// Output format name, as `--format` takes it.
    #[serde(default)]
    pub format: Option<String>,
}

/// A config that could not be read, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    /// 1-based line and column, when the YAML parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Config {
    /// Reads `.hadolint.yaml` text. An empty file is the default config.
    pub fn from_yaml(text: &str) -> Result<Config, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = serde_yaml_ng::from_str(text).map_err(|e| {
            let at = e.location();
            ConfigError {
                message: e.to_string(),
                line: at.as_ref().map(|l| l.line()),
                column: at.as_ref().map(|l| l.column()),
            }
        })?;
        for code in cfg.all_codes() {
            if super::rule(code).is_none() && !is_shellcheck(code) {
                return Err(ConfigError {
                    message: format!("unknown rule {code}; `layerlab rules` lists them"),
                    line: None,
                    column: None,
                });
            }
        }
        Ok(cfg)
    }

    fn all_codes(&self) -> impl Iterator<Item = &str> {
        let o = &self.overrides;
        self.ignored
            .iter()
            .chain(&o.error)
            .chain(&o.warning)
            .chain(&o.info)
            .chain(&o.style)
            .map(String::as_str)
    }

    /// Layers `other` over `self`: lists add up, set values replace (how CLI
    /// flags combine with the file).
    pub fn merge(mut self, other: Config) -> Config {
        self.ignored.extend(other.ignored);
        self.overrides.error.extend(other.overrides.error);
        self.overrides.warning.extend(other.overrides.warning);
        self.overrides.info.extend(other.overrides.info);
        self.overrides.style.extend(other.overrides.style);
        self.failure_threshold = other.failure_threshold.or(self.failure_threshold);
        self.trusted_registries.extend(other.trusted_registries);
        self.label_schema.extend(other.label_schema);
        self.strict_labels |= other.strict_labels;
        self.disable_ignore_pragma |= other.disable_ignore_pragma;
        self.no_fail |= other.no_fail;
        self.no_color |= other.no_color;
        self.format = other.format.or(self.format);
        self
    }

    /// The level a rule reports at: its override, else its default. `None`
    /// when the rule is off (ignored, or off by default and not overridden).
    pub fn level_of(&self, meta: &Meta) -> Option<Level> {
        if self.ignored.iter().any(|c| meta.is(c)) {
            return None;
        }
        let o = &self.overrides;
        let overridden = [
            (&o.style, Level::Style),
            (&o.info, Level::Info),
            (&o.warning, Level::Warning),
            (&o.error, Level::Error),
        ]
        .into_iter()
        .filter(|(codes, _)| codes.iter().any(|c| meta.is(c)))
        .map(|(_, l)| l)
        .next_back();
        match overridden {
            Some(l) => Some(l),
            None if meta.enabled_by_default => Some(meta.level),
            None => None,
        }
    }

    pub fn threshold(&self) -> Threshold {
        self.failure_threshold.unwrap_or_default()
    }
}

/// ShellCheck codes (`SC2086`) are accepted in config and pragmas for
/// compatibility with hadolint files; layerlab has no ShellCheck rules.
fn is_shellcheck(code: &str) -> bool {
    code.len() > 2
        && code[..2].eq_ignore_ascii_case("SC")
        && code[2..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hadolint_yaml() {
        let cfg = Config::from_yaml(
            "ignored: [DL3006, SC2086]\noverride:\n  error: [DL3007]\n  info:\n    - DL3002\nfailure-threshold: warning\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  maintainer: text\n  org.opencontainers.image.created: rfc3339\nstrict-labels: true\n",
        )
        .unwrap();
        assert_eq!(cfg.ignored, ["DL3006", "SC2086"]);
        assert_eq!(cfg.threshold(), Threshold::Warning);
        assert_eq!(cfg.trusted_registries, ["docker.io"]);
        assert_eq!(
            cfg.label_schema.get("org.opencontainers.image.created"),
            Some(&LabelType::Rfc3339)
        );
        let dl3007 = super::super::rule("DL3007").unwrap().meta();
        assert_eq!(cfg.level_of(dl3007), Some(Level::Error));
        let dl3006 = super::super::rule("DL3006").unwrap().meta();
        assert_eq!(cfg.level_of(dl3006), None);
    }

    #[test]
    fn bad_config_says_where() {
        let e = Config::from_yaml("ignored: [DL3006]\nfailure-treshold: error\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("failure-treshold"), "{}", e.message);
        let e = Config::from_yaml("ignored: [DL9999]\n").unwrap_err();
        assert!(e.message.contains("DL9999"));
        assert_eq!(Config::from_yaml("\n").unwrap(), Config::default());
    }

    #[test]
    fn thresholds() {
        assert!(Threshold::Info.fails(Level::Warning));
        assert!(!Threshold::Warning.fails(Level::Info));
        assert!(!Threshold::None.fails(Level::Error));
        assert!(Threshold::Style.fails(Level::Style));
    }
}
