//! `nproc [--all] [--ignore=N]`: a simulated build has 2 processors.

use super::super::{Io, R, Shell};

/// The processors a simulated build reports.
pub const PROCESSORS: u64 = 2;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut ignore = 0u64;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        let v = if a == "--ignore" {
            i += 1;
            argv.get(i - 1).cloned()
        } else if let Some(v) = a.strip_prefix("--ignore=") {
            Some(v.to_string())
        } else if a == "--all" {
            continue;
        } else {
            let msg = if a.starts_with('-') {
                format!("nproc: unrecognized option '{a}'\n")
            } else {
                format!("nproc: extra operand '{a}'\n")
            };
            sh.err(
                io,
                format!("{msg}Try 'nproc --help' for more information.\n"),
            )?;
            return Ok(1);
        };
        match v.as_deref().map(str::parse::<u64>) {
            Some(Ok(n)) => ignore = n,
            _ => {
                let v = v.unwrap_or_default();
                sh.err(io, format!("nproc: invalid number: '{v}'\n"))?;
                return Ok(1);
            }
        }
    }
    sh.out(
        io,
        format!("{}\n", PROCESSORS.saturating_sub(ignore).max(1)),
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn two() {
        assert_eq!(
            sh("nproc; nproc --all; nproc --ignore=1; nproc --ignore 5; echo \"-j$(nproc)\"").out,
            "2\n2\n1\n1\n-j2\n"
        );
        assert_eq!(
            sh("nproc x").err,
            "nproc: extra operand 'x'\nTry 'nproc --help' for more information.\n"
        );
    }
}
