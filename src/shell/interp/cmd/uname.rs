//! `uname [-asnrvmpio]`: the build container's kernel, as BuildKit's
//! sandbox shows it on an x86_64 Linux host (the values are fixed, so
//! every build prints the same).

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    if let Some(op) = args.operands.first() {
        sh.err(
            io,
            format!("uname: extra operand '{op}'\nTry 'uname --help' for more information.\n"),
        )?;
        return Ok(1);
    }
    let mut want: Vec<char> = Vec::new();
    for f in &args.flags {
        match f {
            'a' => want.extend(['s', 'n', 'r', 'v', 'm', 'o']),
            's' | 'n' | 'r' | 'v' | 'm' | 'p' | 'i' | 'o' => want.push(*f),
            c => {
                sh.err(
                    io,
                    format!(
                        "uname: invalid option -- '{c}'\nTry 'uname --help' for more information.\n"
                    ),
                )?;
                return Ok(1);
            }
        }
    }
    for l in &args.long {
        want.push(match l.as_str() {
            "all" => 'a',
            "kernel-name" => 's',
            "nodename" => 'n',
            "kernel-release" => 'r',
            "kernel-version" => 'v',
            "machine" => 'm',
            "processor" => 'p',
            "hardware-platform" => 'i',
            "operating-system" => 'o',
            _ => 's',
        });
        if want.last() == Some(&'a') {
            want.pop();
            want.extend(['s', 'n', 'r', 'v', 'm', 'o']);
        }
    }
    if want.is_empty() {
        want.push('s');
    }
    let mut parts = Vec::new();
    for k in ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'] {
        if !want.contains(&k) {
            continue;
        }
        parts.push(match k {
            's' => "Linux",
            'n' => "buildkitsandbox",
            'r' => "6.8.0-layerlab",
            'v' => "#1 SMP PREEMPT_DYNAMIC",
            'm' | 'p' | 'i' => "x86_64",
            _ => "GNU/Linux",
        });
    }
    sh.out(io, format!("{}\n", parts.join(" ")))?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn x86_64_linux() {
        assert_eq!(
            sh("uname; uname -m; uname -sr; uname -a").out,
            "Linux\nx86_64\nLinux 6.8.0-layerlab\nLinux buildkitsandbox 6.8.0-layerlab #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
        );
        assert_eq!(sh("uname -q; echo $?").out, "1\n");
    }
}
