use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE` with an IP address or a `host:container` port mapping.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only documents which container ports the image listens on. Which
    /// host address and port they are published on is decided by `docker run -p`;
    /// the image cannot set it, and Docker drops that part.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 127.0.0.1:8080:80
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 80
    /// ```
    ExposeInvalidFormat {
        code: "ExposeInvalidFormat",
        name: "expose-invalid-format",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for p in super::exposed_ports(cx)
        .into_iter()
        .filter(|p| p.raw.contains(':'))
    {
        out.push(Finding::new(
            &META,
            format!("EXPOSE instruction should not define an IP address or host-port mapping, found '{}'", p.raw),
            p.span,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_mappings() {
        assert_eq!(
            flagged(
                "FROM a:1\nEXPOSE 80 8080:80 127.0.0.1:1:2/udp\n",
                "ExposeInvalidFormat"
            ),
            vec!["8080:80", "127.0.0.1:1:2/udp"]
        );
    }
}
