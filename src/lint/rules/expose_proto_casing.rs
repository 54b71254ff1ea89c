use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a protocol in `EXPOSE` that is not lowercase (`80/TCP`).
    ///
    /// ## Why is this bad?
    /// Docker accepts it but writes the port with the protocol as given into the
    /// image config, where `80/TCP` and `80/tcp` then look like different ports.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80/TCP
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 80/tcp
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the lowercase protocol is what Docker means.
    ExposeProtoCasing {
        code: "ExposeProtoCasing",
        name: "expose-proto-casing",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for p in super::exposed_ports(cx) {
        let Some((_, proto)) = p.raw.split_once('/') else {
            continue;
        };
        if proto != proto.to_lowercase() {
            let fixed = p.raw.to_lowercase();
            out.push(
                Finding::new(
                    &META,
                    format!("Defined protocol '{proto}' in EXPOSE instruction should be lowercase"),
                    p.span,
                )
                .with_replacement(
                    format!("Write {fixed}"),
                    Applicability::Safe,
                    p.span,
                    fixed.clone(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes() {
        let src = "FROM a:1\nEXPOSE 80/TCP 443/tcp 53/Udp\n";
        assert_eq!(flagged(src, "ExposeProtoCasing"), vec!["80/TCP", "53/Udp"]);
        assert_eq!(
            fixed(src, "ExposeProtoCasing"),
            "FROM a:1\nEXPOSE 80/tcp 443/tcp 53/udp\n"
        );
    }
}
