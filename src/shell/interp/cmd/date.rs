//! `date [-u] [-d @SECONDS] [-I[TIMESPEC]|-R] [+FORMAT]`, as GNU date in
//! UTC. There is no clock: "now" is the build's time
//! ([`Context::mtime`](super::super::Context::mtime), SOURCE_DATE_EPOCH),
//! so every build prints the same. Setting the date, `-r FILE` and dates in
//! words (`-d yesterday`) are not simulated.

use super::super::{Io, R, Shell};

/// `(year, month 1–12, day 1–31, hour, minute, second, weekday 0=Sunday, day of year 1–366)` of a Unix time, UTC.
pub fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wday = (days + 4).rem_euclid(7) as u32;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = CUM[m as usize - 1] + d + u32::from(leap && m > 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
        wday,
        yday,
    )
}

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `secs` formatted by a strftime `format` (the common conversions; an
/// unknown one is kept as written, as GNU date does).
pub fn format(secs: i64, fmt: &str) -> String {
    let (y, m, d, hh, mm, ss, wd, yd) = civil(secs);
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(k) = chars.next() else {
            out.push('%');
            break;
        };
        let s = match k {
            'Y' => y.to_string(),
            'C' => format!("{:02}", y / 100),
            'y' => format!("{:02}", y % 100),
            'm' => format!("{m:02}"),
            'd' => format!("{d:02}"),
            'e' => format!("{d:>2}"),
            'H' => format!("{hh:02}"),
            'I' => format!("{:02}", if hh % 12 == 0 { 12 } else { hh % 12 }),
            'M' => format!("{mm:02}"),
            'S' => format!("{ss:02}"),
            'p' => (if hh < 12 { "AM" } else { "PM" }).into(),
            's' => secs.to_string(),
            'j' => format!("{yd:03}"),
            'u' => (if wd == 0 { 7 } else { wd }).to_string(),
            'w' => wd.to_string(),
            'a' => DAYS[wd as usize][..3].into(),
            'A' => DAYS[wd as usize].into(),
            'b' | 'h' => MONTHS[m as usize - 1][..3].into(),
            'B' => MONTHS[m as usize - 1].into(),
            'F' => format!("{y}-{m:02}-{d:02}"),
            'T' => format!("{hh:02}:{mm:02}:{ss:02}"),
            'R' => format!("{hh:02}:{mm:02}"),
            'D' => format!("{m:02}/{d:02}/{:02}", y % 100),
            'Z' => "UTC".into(),
            'z' => "+0000".into(),
            'n' => "\n".into(),
            't' => "\t".into(),
            'N' => "000000000".into(),
            '%' => "%".into(),
            'c' => format(secs, "%a %b %e %H:%M:%S %Y"),
            other => format!("%{other}"),
        };
        out.push_str(&s);
    }
    out
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut secs = sh.ctx.mtime;
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        let date_arg = if a == "-d" || a == "--date" {
            i += 1;
            argv.get(i - 1).cloned()
        } else if let Some(v) = a.strip_prefix("--date=") {
            Some(v.to_string())
        } else {
            a.strip_prefix("-d").map(str::to_string)
        };
        if let Some(v) = date_arg {
            match v
                .strip_prefix('@')
                .and_then(|n| n.trim().parse::<i64>().ok())
            {
                Some(n) => secs = n,
                None => {
                    sh.err(io, format!("date: invalid date '{v}'\n"))?;
                    return Ok(1);
                }
            }
            continue;
        }
        if let Some(f) = a.strip_prefix('+') {
            fmt = f.to_string();
        } else if a == "-u" || a == "--utc" || a == "--universal" {
        } else if a == "-R" || a == "--rfc-email" {
            fmt = "%a, %d %b %Y %H:%M:%S +0000".into();
        } else if let Some(spec) = a
            .strip_prefix("-I")
            .or_else(|| a.strip_prefix("--iso-8601"))
        {
            fmt = match spec.trim_start_matches('=') {
                "" | "date" => "%F",
                "hours" => "%FT%H+00:00",
                "minutes" => "%FT%H:%M+00:00",
                _ => "%FT%T+00:00",
            }
            .into();
        } else if a.starts_with('-') {
            sh.unsimulated("date");
            return Ok(0);
        } else {
            sh.err(io, format!("date: invalid date '{a}'\n"))?;
            return Ok(1);
        }
    }
    sh.out(io, format!("{}\n", format(secs, &fmt)))?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn the_build_time_in_utc() {
        // ctx.mtime is 1_700_000_000 in tests: Tue Nov 14 22:13:20 UTC 2023.
        assert_eq!(
            sh("date; date +%Y%m%d-%H%M%S; date -u +%s; date -I; date -d @0 '+%F %T %a %j'; date -R").out,
            "Tue Nov 14 22:13:20 UTC 2023\n20231114-221320\n1700000000\n2023-11-14\n1970-01-01 00:00:00 Thu 001\nTue, 14 Nov 2023 22:13:20 +0000\n"
        );
        let r = sh("date -d tomorrow; echo $?");
        assert_eq!(
            (r.out.as_str(), r.err.as_str()),
            ("1\n", "date: invalid date 'tomorrow'\n")
        );
        assert_eq!(sh("date -d @951782400 +%F%j").out, "2000-02-29060\n");
    }
}
