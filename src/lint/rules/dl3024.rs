use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM … AS name`) used by an earlier stage. Also BuildKit's
    /// check *DuplicateStageName*.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses to build a Dockerfile with two stages of the same name
    /// (names are compared without case): `COPY --from=name` could mean either.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// FROM node:22 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build-api
    /// FROM node:22 AS build-web
    /// ```
    Dl3024 {
        code: "DL3024",
        name: "duplicate-stage-name",
        level: Error,
        origin: Hadolint,
        also: ["DuplicateStageName"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    for stage in &cx.dockerfile.stages {
        let (Some(name), Some(span)) = (&stage.name, stage.name_span) else {
            continue;
        };
        if seen.contains(&name.as_str()) {
            out.push(Finding::new(
                &META,
                format!("Duplicate stage name \"{name}\", stage names should be unique"),
                span,
            ));
        }
        seen.push(name);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_later_duplicates_ignoring_case() {
        assert_eq!(
            flagged("FROM a:1 AS x\nFROM b:1 AS y\nFROM c:1 AS X\n", "DL3024"),
            vec!["X"]
        );
    }
}
