//! The page: header, editor, problems list.

use super::editor::Editor;
use super::problems::Problem;
use super::rules::{Route, RuleIndex, RulePage};
use super::state::{Action, EXAMPLE, Playground};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlElement;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| Playground::new(EXAMPLE));
    let host = use_node_ref();
    let editor: Rc<RefCell<Option<Editor>>> = use_mut_ref(|| None);
    let load_error = use_state(|| None::<String>);
    let route = use_state(|| Route::from_hash(&location_hash()));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    route.set(Route::from_hash(&location_hash()))
                });
            move || drop(listener)
        });
    }

    {
        let (host, editor, dispatch, load_error) = (
            host.clone(),
            editor.clone(),
            state.dispatcher(),
            load_error.clone(),
        );
        let initial = state.source.clone();
        use_effect_with((), move |_| {
            if let Some(el) = host.cast::<HtmlElement>() {
                let on_change = move |text: String| dispatch.dispatch(Action::Edited(text));
                match Editor::create(&el, &initial, on_change, || {}) {
                    Ok(ed) => *editor.borrow_mut() = Some(ed),
                    Err(e) => load_error.set(Some(format!("the editor could not start: {e:?}"))),
                }
            }
        });
    }
    {
        let editor = editor.clone();
        use_effect_with(state.problems.clone(), move |problems| {
            if let Some(ed) = editor.borrow().as_ref() {
                ed.show(problems);
            }
        });
    }

    let focus = {
        let editor = editor.clone();
        Callback::from(move |offset: usize| {
            if let Some(ed) = editor.borrow().as_ref() {
                ed.focus_at(offset);
            }
        })
    };

    // Severities hidden from the list (the editor still shows everything).
    let hidden = use_state(Vec::<&'static str>::new);
    let toggle = {
        let hidden = hidden.clone();
        Callback::from(move |sev: &'static str| {
            let mut h = (*hidden).clone();
            match h.iter().position(|s| *s == sev) {
                Some(i) => {
                    h.remove(i);
                }
                None => h.push(sev),
            }
            hidden.set(h);
        })
    };
    let shown: Rc<Vec<Problem>> = Rc::new(
        state
            .problems
            .iter()
            .filter(|p| !hidden.contains(&group(p.severity)))
            .cloned()
            .collect(),
    );
    let errors = state.errors();
    let warnings = state
        .problems
        .iter()
        .filter(|p| p.severity == "warning")
        .count();
    let infos = state.problems.len() - errors - warnings;
    let (status_class, status_text) = match (errors, warnings, infos) {
        (0, 0, 0) => ("status ok", "no problems".to_string()),
        (0, 0, i) => ("status info", format!("{i} info")),
        (0, w, _) => ("status warn", plural(w, "warning")),
        (e, _, _) => ("status bad", plural(e, "error")),
    };

    html! {
        <div class="app">
            <header class="bar">
                <div class="brand">{"layer"}<span>{"lab"}</span></div>
                <div class="tagline">{"Dockerfile playground — parsed as BuildKit parses it, in your browser"}</div>
                <div class="spacer"></div>
                <a class="nav" href="#rules">{"Rules"}</a>
                <div class={status_class} data-testid="status">{status_text}</div>
            </header>
            if let Some(err) = &*load_error {
                <div class="empty" role="alert">{err}</div>
            }
            <main class="workspace">
                <section class="pane">
                    <h2>{"Dockerfile"}</h2>
                    <div class="editor" ref={host}></div>
                </section>
                <section class="pane" aria-label="Problems">
                    <h2 class="problems-head">
                        <span>{format!("Problems ({})", state.problems.len())}</span>
                        <SeverityFilter problems={state.problems.clone()} hidden={(*hidden).clone()} on_toggle={toggle} />
                    </h2>
                    { match &*route {
                        Route::Problems => html! { <ProblemList problems={shown} total={state.problems.len()} on_select={focus} /> },
                        Route::Rules => html! { <RuleIndex /> },
                        Route::Rule(code) => html! { <RulePage code={code.clone()} /> },
                    } }
                </section>
            </main>
            <footer class="foot">{"Parsed and checked by layerlab’s Rust core, compiled to WebAssembly: nothing leaves your browser · Esc then Tab leaves the editor"}</footer>
        </div>
    }
}

fn location_hash() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

/// The filter groups: info and hint together.
fn group(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "info",
    }
}

#[derive(Properties, PartialEq)]
struct SeverityFilterProps {
    problems: Rc<Vec<Problem>>,
    hidden: Vec<&'static str>,
    on_toggle: Callback<&'static str>,
}

/// Toggle buttons that show or hide errors, warnings and info in the list.
#[function_component(SeverityFilter)]
fn severity_filter(props: &SeverityFilterProps) -> Html {
    html! {
        <span class="filter" role="group" aria-label="Show severities">
            { for [("error", "Errors"), ("warning", "Warnings"), ("info", "Info")].into_iter().map(|(sev, label)| {
                let count = props.problems.iter().filter(|p| group(p.severity) == sev).count();
                let shown = !props.hidden.contains(&sev);
                let on_toggle = props.on_toggle.clone();
                html! {
                    <button type="button" class={classes!("chip", sev, shown.then_some("on"))}
                        aria-pressed={shown.to_string()} data-testid={format!("filter-{sev}")}
                        onclick={Callback::from(move |_| on_toggle.emit(sev))}>
                        {format!("{label} {count}")}
                    </button>
                }
            }) }
        </span>
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[derive(Properties, PartialEq)]
struct ProblemListProps {
    problems: Rc<Vec<Problem>>,
    /// How many there are before filtering.
    total: usize,
    on_select: Callback<usize>,
}

#[function_component(ProblemList)]
fn problem_list(props: &ProblemListProps) -> Html {
    if props.total == 0 {
        return html! { <div class="empty" data-testid="no-problems">{"No problems found."}</div> };
    }
    if props.problems.is_empty() {
        return html! { <div class="empty">{format!("{} hidden by the filter.", plural(props.total, "problem"))}</div> };
    }
    html! {
        <ul class="problems" data-testid="problems">
            { for props.problems.iter().map(|p| {
                let on_select = props.on_select.clone();
                let from = p.from;
                let icon = match p.severity {
                    "error" => "✖",
                    "warning" => "▲",
                    _ => "●",
                };
                html! {
                    <li>
                        <button type="button" onclick={Callback::from(move |_| on_select.emit(from))}>
                            <span class={classes!("sev", p.severity)} aria-label={p.severity}>{icon}</span>
                            <span class="msg">
                                if p.source != "syntax" {
                                    <span class="code">{p.source}</span>
                                }
                                {&p.message}
                            </span>
                            <span class="loc">{format!("{}:{}", p.line, p.col)}</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
