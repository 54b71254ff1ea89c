//! docker/go-units and Go's `fmt`, as the docker CLI prints sizes and ages,
//! and Go's `text/tabwriter` as its tables use it.

/// Go's `fmt.Sprintf("%.*g", precision, v)` for a finite, non-negative `v`.
///
/// Go rounds to `precision` significant digits, drops trailing zeros, and
/// switches to `%e` when the decimal exponent is below -4 or at least the
/// number of digits it would show (so `%.3g` of 1000 is `1e+03`, the
/// quirk behind docker's `1e+03kB`).
pub fn go_g(v: f64, precision: usize) -> String {
    let precision = precision.max(1);
    if v == 0.0 {
        return "0".into();
    }
    // Rust's `{:e}` with a precision rounds the exact binary value, as Go's
    // strconv does; take its digits and exponent.
    let sci = format!("{:.*e}", precision - 1, v);
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let mut eprec = precision as i32;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let mut s = first.to_string();
        if !rest.is_empty() {
            s.push('.');
            s.push_str(rest);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{s}e{sign}{:02}", exp.abs());
    }
    // Fixed notation with max(nd - dp, 0) decimals.
    if dp <= 0 {
        format!("0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp >= nd {
        format!("{digits}{}", "0".repeat((dp - nd) as usize))
    } else {
        let (int, frac) = digits.split_at(dp as usize);
        format!("{int}.{frac}")
    }
}

const DECIMAL_UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/// `units.HumanSizeWithPrecision`: decimal (1000) steps, `%.*g` digits.
pub fn human_size_with_precision(size: f64, precision: usize) -> String {
    let mut size = size;
    let mut i = 0;
    while size >= 1000.0 && i < DECIMAL_UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", go_g(size, precision), DECIMAL_UNITS[i])
}

/// `units.HumanSize`: four significant digits (`docker system df`, prune).
pub fn human_size(size: u64) -> String {
    human_size_with_precision(size as f64, 4)
}

/// Three significant digits: `docker images`, `history`, `system df -v`.
pub fn image_size(size: u64) -> String {
    human_size_with_precision(size as f64, 3)
}

/// BuildKit's progress byte counts (`%.2f` of tonistiigi/units `Bytes`):
/// whole bytes below 1 kB, two decimals above (`67B`, `1.20MB`).
pub fn progress_bytes(n: u64) -> String {
    if n < 1000 {
        return format!("{n}B");
    }
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1000.0 && i < DECIMAL_UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    format!("{v:.2}{}", DECIMAL_UNITS[i])
}

/// `units.HumanDuration` for a span of whole seconds.
pub fn human_duration(seconds: i64) -> String {
    let s = seconds;
    if s < 1 {
        return "Less than a second".into();
    }
    if s == 1 {
        return "1 second".into();
    }
    if s < 60 {
        return format!("{s} seconds");
    }
    let minutes = s / 60;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    // Go rounds the hours (`int(d.Hours() + 0.5)`) for everything up to months.
    let hours = ((s as f64) / 3600.0 + 0.5) as i64;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    // …but truncates them for years (`int(d.Hours())/24/365`).
    format!("{} years", s / 3600 / 24 / 365)
}

/// `HumanDuration(now - then) + " ago"`.
pub fn ago(now: i64, then: i64) -> String {
    format!("{} ago", human_duration(now - then))
}

/// docker/cli's `formatter.Ellipsis`: at most `max` display columns, the
/// last one an ellipsis when cut.
pub fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A table as docker/cli writes it: Go's `tabwriter` with minwidth 10,
/// padding 3, padded with spaces; every cell but the last of a row is padded
/// to its column's width (the widest cell plus 3, at least 10).
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![10usize; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count() + 3);
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count();
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Go's `time.Time.String()` of a Unix time in UTC:
/// `2024-09-06 12:05:36 +0000 UTC`.
pub fn go_time_string(t: i64) -> String {
    let rfc = crate::oci::image::rfc3339_utc(t).unwrap_or_default();
    format!("{} {} +0000 UTC", &rfc[..10], &rfc[11..19])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_matches_go() {
        // Expected values are Go's fmt.Sprintf("%.3g", v) / ("%.4g", v).
        for (v, p, s) in [
            (0.0, 3, "0"),
            (1.0, 3, "1"),
            (7.8, 3, "7.8"),
            (123.0, 3, "123"),
            (1.23456, 3, "1.23"),
            (999.95, 3, "1e+03"),
            (1000.0, 3, "1e+03"),
            (100.0, 3, "100"),
            (10.0, 3, "10"),
            (4.2617, 4, "4.262"),
            (11.63, 4, "11.63"),
            (0.5, 3, "0.5"),
            (1.005, 3, "1"),
        ] {
            assert_eq!(go_g(v, p), s, "{v} %.{p}g");
        }
    }

    #[test]
    fn sizes_like_go_units() {
        assert_eq!(image_size(0), "0B");
        assert_eq!(image_size(512), "512B");
        assert_eq!(image_size(1_230), "1.23kB");
        assert_eq!(image_size(7_800_000), "7.8MB");
        assert_eq!(image_size(123_000_000), "123MB");
        assert_eq!(image_size(999_950), "1e+03kB");
        assert_eq!(human_size(11_630_000), "11.63MB");
        assert_eq!(human_size(4_261_700), "4.262MB");
        assert_eq!(progress_bytes(67), "67B");
        assert_eq!(progress_bytes(1_200_000), "1.20MB");
    }

    #[test]
    fn durations_like_go_units() {
        for (s, text) in [
            (0, "Less than a second"),
            (1, "1 second"),
            (59, "59 seconds"),
            (60, "About a minute"),
            (119, "About a minute"),
            (120, "2 minutes"),
            (3599, "59 minutes"),
            (3600, "About an hour"),
            (5399, "About an hour"),
            (5400, "2 hours"),
            (47 * 3600, "47 hours"),
            (48 * 3600, "2 days"),
            (14 * 86_400, "2 weeks"),
            (60 * 86_400, "2 months"),
            (2 * 365 * 86_400, "2 years"),
            // 1970 seen from 2026-11-22: docker says 56 years.
            (1_795_305_600, "56 years"),
        ] {
            assert_eq!(human_duration(s), text, "{s}s");
        }
    }

    #[test]
    fn tabwriter_widths() {
        let t = table(&[
            vec!["REPOSITORY".into(), "TAG".into(), "SIZE".into()],
            vec!["app".into(), "latest".into(), "0B".into()],
        ]);
        assert_eq!(
            t,
            "REPOSITORY   TAG       SIZE\napp          latest    0B\n"
        );
    }

    #[test]
    fn ellipsis_counts_characters() {
        assert_eq!(ellipsis("abc", 3), "abc");
        assert_eq!(ellipsis("abcd", 3), "ab…");
        assert_eq!(go_time_string(0), "1970-01-01 00:00:00 +0000 UTC");
    }
}
