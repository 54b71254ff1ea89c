use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port outside 0–65535.
    ///
    /// ## Why is this bad?
    /// Ports are 16-bit numbers; a larger one is a typo that Docker rejects when the
    /// container starts.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80800
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    Dl3011 {
        code: "DL3011",
        name: "valid-port-range",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for p in super::exposed_ports(cx)
        .into_iter()
        .filter(|p| !p.raw.contains('$'))
    {
        let number = p.raw.split('/').next().unwrap_or("");
        // Digits only; too long to parse is out of range too.
        let out_of_range = number.split('-').any(|n| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && n.parse::<u32>().map_or(true, |v| v > 65535)
        });
        if out_of_range {
            out.push(Finding::new(
                &META,
                "Valid UNIX ports range from 0 to 65535",
                p.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_out_of_range_ports() {
        let src = "FROM a:1\nEXPOSE 80 65536/tcp 8000-70000 $P 99999999999\n";
        assert_eq!(
            flagged(src, "DL3011"),
            vec!["65536/tcp", "8000-70000", "99999999999"]
        );
    }
}
