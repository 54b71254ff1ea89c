//! The playground's state and the only place it changes.

use super::problems::{Problem, problems};
use crate::dockerfile::analyze;
use std::rc::Rc;
use yew::Reducible;

pub const EXAMPLE: &str = r#"# syntax=docker/dockerfile:1
# A small Node.js service. Edit it: problems appear as you type.
FROM node:20-alpine AS base
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

FROM base AS app
COPY . .
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-qO-", "http://localhost:3000/health"]
# The image's "node" user, by id (DL3066)
USER 1000
CMD ["node", "server.js"]
"#;

#[derive(Debug, Clone, PartialEq)]
pub struct Playground {
    pub source: Rc<str>,
    pub problems: Rc<Vec<Problem>>,
}

impl Playground {
    pub fn new(source: &str) -> Self {
        let analysis = analyze(source);
        let findings = crate::lint::lint(source, &analysis);
        Playground {
            source: source.into(),
            problems: Rc::new(problems(source, &analysis, &findings)),
        }
    }

    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == "error")
            .count()
    }
}

pub enum Action {
    /// The editor's text changed.
    Edited(String),
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edited(text) if *text == *self.source => self,
            Action::Edited(text) => Rc::new(Playground::new(&text)),
        }
    }
}
