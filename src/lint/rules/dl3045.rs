use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` to a relative destination in a stage where no `WORKDIR` was set
    /// (in the stage or the stages it is built on).
    ///
    /// ## Why is this bad?
    /// The destination is then relative to the base image's working directory, which
    /// the Dockerfile does not show and which can change with the base image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// COPY package.json .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// COPY package.json .
    /// ```
    Dl3045 {
        code: "DL3045",
        name: "copy-relative-without-workdir",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Stages (by lowercased name) that have a WORKDIR, themselves or through their base.
    let mut with_workdir: Vec<String> = Vec::new();
    for stage in &cx.dockerfile.stages {
        let mut has = with_workdir.contains(&stage.base.raw.to_lowercase());
        for ins in &stage.instructions {
            match &ins.instr {
                Instr::Workdir { .. } => has = true,
                Instr::Copy(copy) if !has => {
                    let dest = &copy.files.dest;
                    if !super::dl3000::is_absolute_or_unknown(&dest.raw) {
                        out.push(Finding::new(
                            &META,
                            "COPY to a relative destination without WORKDIR set",
                            dest.span,
                        ));
                    }
                }
                _ => {}
            }
        }
        if let (Some(n), true) = (&stage.name, has) {
            with_workdir.push(n.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_relative_destinations_before_any_workdir() {
        let src = "FROM a:1 AS base\nCOPY a .\nWORKDIR /w\nCOPY b .\nFROM base\nCOPY c d\nFROM a:1\nCOPY e /abs\nCOPY f rel\n";
        assert_eq!(flagged(src, "DL3045"), vec![".", "rel"]);
    }
}
