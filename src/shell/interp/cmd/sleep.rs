//! `sleep N`: takes no time in a simulated build (there is no clock), but
//! checks its operand as sleep does.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    if argv.len() < 2 {
        sh.err(io, "sleep: missing operand\n")?;
        return Ok(1);
    }
    for a in &argv[1..] {
        let n = a.trim_end_matches(['s', 'm', 'h', 'd']);
        if n.parse::<f64>().is_err() && n != "inf" && n != "infinity" {
            sh.err(io, format!("sleep: invalid time interval '{a}'\n"))?;
            return Ok(1);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn no_op_with_checks() {
        assert_eq!(sh("sleep 5 && sleep 0.5s && echo ok").out, "ok\n");
        assert_eq!(sh("sleep x").err, "sleep: invalid time interval 'x'\n");
    }
}
