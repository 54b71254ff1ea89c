//! `seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST`, as GNU coreutils, for
//! integers and decimals (printed with as many decimals as the operands
//! have). The output stops at the interpreter's output limit.

use super::super::{Io, R, Shell};

fn decimals(s: &str) -> usize {
    s.split_once('.').map(|(_, d)| d.len()).unwrap_or(0)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut sep = "\n".to_string();
    let mut equal = false;
    let mut nums: Vec<String> = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "-s" {
            sep = argv.get(i).cloned().unwrap_or_default();
            i += 1;
        } else if let Some(s) = a.strip_prefix("--separator=") {
            sep = s.to_string();
        } else if let Some(s) = a.strip_prefix("-s") {
            sep = s.to_string();
        } else if a == "-w" || a == "--equal-width" {
            equal = true;
        } else {
            nums.push(a.clone());
        }
    }
    if nums.is_empty() || nums.len() > 3 {
        let msg = if nums.is_empty() {
            "seq: missing operand\n".to_string()
        } else {
            format!("seq: extra operand '{}'\n", nums[3])
        };
        sh.err(io, format!("{msg}Try 'seq --help' for more information.\n"))?;
        return Ok(1);
    }
    let mut vals = Vec::new();
    for n in &nums {
        match n.parse::<f64>() {
            Ok(v) if v.is_finite() => vals.push(v),
            _ => {
                sh.err(io, format!("seq: invalid floating point argument: '{n}'\nTry 'seq --help' for more information.\n"))?;
                return Ok(1);
            }
        }
    }
    let (first, inc, last) = match vals.len() {
        1 => (1.0, 1.0, vals[0]),
        2 => (vals[0], 1.0, vals[1]),
        _ => (vals[0], vals[1], vals[2]),
    };
    if inc == 0.0 {
        sh.err(
            io,
            format!(
                "seq: invalid Zero increment value: '{}'\nTry 'seq --help' for more information.\n",
                nums[1]
            ),
        )?;
        return Ok(1);
    }
    let prec = nums
        .iter()
        .take(nums.len().max(2) - 1)
        .map(|n| decimals(n))
        .max()
        .unwrap_or(0);
    let prec = if nums.len() == 1 { 0 } else { prec };
    let width = if equal {
        [first, last]
            .iter()
            .map(|v| format!("{v:.prec$}").len())
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let max = sh.ctx.limits.max_output;
    let mut out = String::new();
    let mut k = 0u64;
    loop {
        let v = first + inc * k as f64;
        if (inc > 0.0 && v > last + 1e-9) || (inc < 0.0 && v < last - 1e-9) {
            break;
        }
        if k > 0 {
            out.push_str(&sep);
        }
        let s = format!("{v:.prec$}");
        if equal && s.len() < width {
            let (sign, digits) = s.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", &s));
            out.push_str(sign);
            out.push_str(&"0".repeat(width - s.len()));
            out.push_str(digits);
        } else {
            out.push_str(&s);
        }
        k += 1;
        if out.len() > max {
            break;
        }
    }
    if k > 0 {
        out.push('\n');
    }
    sh.out(io, out)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn counts() {
        assert_eq!(
            sh("seq 3; seq 2 4; seq 10 -3 4; seq -s, 1 3; seq -w 8 10; seq 0 0.5 1").out,
            "1\n2\n3\n2\n3\n4\n10\n7\n4\n1,2,3\n08\n09\n10\n0.0\n0.5\n1.0\n"
        );
        assert_eq!(sh("seq 5 1").out, "");
        assert_eq!(sh("seq; echo $?").out, "1\n");
        assert_eq!(
            sh("seq x").err,
            "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n"
        );
    }
}
