//! `tee [-a] FILE…`: standard input to standard output and to each file.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let append = args.has('a');
    let data = io.take_input().to_vec();
    let mut status = 0;
    for f in &args.operands {
        let path = sh.ctx.abs(f);
        let mut all = if append {
            sh.ctx
                .fs
                .read_file(&path)
                .map(|d| d.to_vec())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        all.extend_from_slice(&data);
        if f == "/dev/null" {
            continue;
        }
        if let Err(e) = super::write_file(sh, f, all) {
            sh.err(io, format!("tee: {f}: {}\n", super::why(&e)))?;
            status = 1;
        }
    }
    sh.out(io, data)?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};

    #[test]
    fn copies_to_files() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "echo a | tee /tmp/x; echo b | tee -a /tmp/x >/dev/null; echo c | tee /nope/y",
        );
        assert_eq!(r.out, "a\nc\n");
        assert_eq!(r.err, "tee: /nope/y: No such file or directory\n");
        assert_eq!(&fs.read_file("/tmp/x").unwrap()[..], b"a\nb\n");
    }
}
