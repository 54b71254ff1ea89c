//! Rule pages inside the playground (`#rule/DL3006`) and the rule index
//! (`#rules`), rendered from the rules' doc comments, so they work offline and
//! always match the code that runs.

use std::rc::Rc;

use super::backend::Backend;
use super::protocol::{Answer, Call};
use crate::lint::{self, Meta};
use yew::prelude::*;

/// Where the hash points: a rule page, the index, or nowhere (the problems list).
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Problems,
    Rules,
    Rule(String),
}

impl Route {
    pub fn from_hash(hash: &str) -> Route {
        let h = hash.trim_start_matches('#');
        if let Some(code) = h.strip_prefix("rule/") {
            Route::Rule(code.to_string())
        } else if h == "rules" {
            Route::Rules
        } else {
            Route::Problems
        }
    }
}

/// A rule's page text as HTML. The worker renders it (`worker`): the
/// Markdown renderer stays out of the page's own module, which every visit
/// loads before its first lint.
pub fn page_html(code: &str) -> Option<String> {
    let m = lint::rule(code)?.meta();
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(&m.page()));
    Some(out)
}

fn level_class(m: &Meta) -> &'static str {
    match m.level {
        lint::Level::Error => "error",
        lint::Level::Warning => "warning",
        _ => "info",
    }
}

#[derive(Properties)]
pub struct RulePageProps {
    pub code: String,
    pub backend: Rc<Backend>,
}

impl PartialEq for RulePageProps {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && Rc::ptr_eq(&self.backend, &other.backend)
    }
}

#[function_component(RulePage)]
pub fn rule_page(props: &RulePageProps) -> Html {
    // The page and the rule it is of: the answer for a rule left behind
    // is not shown under the next one's heading.
    let doc = use_state(|| None::<(String, Result<String, String>)>);
    {
        let (doc, backend) = (doc.clone(), props.backend.clone());
        use_effect_with(props.code.clone(), move |code| {
            let code = code.clone();
            let call = Call::RulePage { code: code.clone() };
            backend.call(call, move |a| match a {
                Answer::Output(r) => doc.set(Some((code.clone(), r))),
                Answer::Failed(e) => doc.set(Some((code.clone(), Err(e)))),
                _ => {}
            });
        });
    }
    let doc = doc
        .as_ref()
        .filter(|(c, _)| *c == props.code)
        .map(|(_, d)| d);
    let Some(rule) = lint::rule(&props.code) else {
        return html! {
            <article class="rule-page" data-testid="rule-page">
                <p>{format!("There is no rule {}. ", props.code)}<a href="#rules">{"All rules"}</a></p>
            </article>
        };
    };
    let m = rule.meta();
    let also = (!m.also.is_empty()).then(|| format!("Also reported as {}.", m.also.join(", ")));
    html! {
        <article class="rule-page" data-testid="rule-page">
            <nav class="crumbs"><a href="#">{"← Problems"}</a>{" · "}<a href="#rules">{"All rules"}</a></nav>
            <h3>
                <span class="code">{m.code}</span>{" "}{m.name}
                <span class={classes!("level", level_class(m))}>{m.level.as_str()}</span>
            </h3>
            if !m.enabled_by_default {
                <p class="note">{"Off by default: turn it on with an override in the config."}</p>
            }
            if let Some(also) = also {
                <p class="note">{also}</p>
            }
            <div class="doc" data-testid="rule-doc">
                { match doc {
                    // The text is the rules' own doc comments, compiled in: trusted.
                    Some(Ok(html)) => Html::from_html_unchecked(AttrValue::from(html.clone())),
                    Some(Err(e)) => html! { <p class="note">{format!("The page could not be shown: {e}")}</p> },
                    None => html! { <p class="note">{"Loading…"}</p> },
                } }
            </div>
            <p class="upstream">{"Upstream reference: "}<a href={m.url()} target="_blank" rel="noopener">{m.url()}</a></p>
        </article>
    }
}

#[function_component(RuleIndex)]
pub fn rule_index() -> Html {
    html! {
        <article class="rule-page" data-testid="rule-index">
            <nav class="crumbs"><a href="#">{"← Problems"}</a></nav>
            <h3>{format!("{} rules", lint::rules::ALL.len())}</h3>
            <ul class="rule-list">
                { for lint::rules::ALL.iter().map(|r| {
                    let m = r.meta();
                    html! {
                        <li>
                            <a href={format!("#rule/{}", m.code)}><span class="code">{m.code}</span>{" "}{m.name}</a>
                            <span class={classes!("level", level_class(m))}>{m.level.as_str()}</span>
                            <span class="summary">{lint::format::summary(m)}</span>
                        </li>
                    }
                }) }
            </ul>
        </article>
    }
}
