//! The page: header (examples, share, build), the files and the editor, and
//! the right pane's tabs (problems, build, layers, images, push & pull).

use super::build_options::BuildOptions;
use super::build_panel::BuildPanel;
use super::editor::Editor;
use super::examples::{EXAMPLES, Example};
use super::file_editor::FileEditor;
use super::files_panel::FilesPanel;
use super::images_panel::ImagesPanel;
use super::layers::LayersPanel;
use super::links::{self, location_hash};
use super::problems::Problem;
use super::protocol::Answer;
use super::registry_panel::RegistryPanel;
use super::rules::{Route, RuleIndex, RulePage};
use super::share_panel::ShareBox;
use super::stages::StageGraph;
use super::state::{Action, Playground, Tab};
use crate::share;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::prelude::*;

/// How long typing pauses before the playground is saved.
const SAVE_AFTER_MS: u32 = 600;

/// When the build worker starts loading, after the page's first render:
/// once the first lint is on screen.
const WARM_AFTER_MS: u32 = 300;

/// The playground to start with: a link's, else the last visit's, else the
/// default example. A link or a saved state that does not open is said so,
/// and the page starts from the next in line.
fn initial() -> Playground {
    let mut notice = None;
    if let Some(opened) = links::from_fragment(&location_hash()) {
        match opened {
            Ok(p) => {
                let mut state = Playground::new(Some(p), None);
                state.linked = true;
                return state;
            }
            Err(e) => notice = Some(format!("This link could not be opened: {e}")),
        }
    }
    match links::restore() {
        Some(Ok(p)) => Playground::new(Some(p), notice),
        Some(Err(e)) => Playground::new(
            None,
            Some(notice.unwrap_or_else(|| {
                format!("The playground saved in this browser could not be opened ({e}); here is the default example.")
            })),
        ),
        None => Playground::new(None, notice),
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial);
    let host = use_node_ref();
    let editor: Rc<RefCell<Option<Editor>>> = use_mut_ref(|| None);
    let load_error = use_state(|| None::<String>);
    let route = use_state(|| Route::from_hash(&location_hash()));
    {
        let (route, dispatch) = (route.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    let hash = location_hash();
                    // Back, Forward, or a link pasted into this tab's address bar.
                    match links::from_fragment(&hash) {
                        Some(Ok(p)) => dispatch.dispatch(Action::Load {
                            playground: Box::new(p),
                            from_history: true,
                        }),
                        Some(Err(e)) => dispatch.dispatch(Action::Notice(Some(format!(
                            "This link could not be opened: {e}"
                        )))),
                        None => {}
                    }
                    let r = Route::from_hash(&hash);
                    // Rule pages live in the Problems tab.
                    if r != Route::Problems {
                        dispatch.dispatch(Action::ShowTab(Tab::Problems));
                    }
                    route.set(r)
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
                let on_run = {
                    let dispatch = dispatch.clone();
                    move || dispatch.dispatch(Action::BuildRequested)
                };
                let on_change = move |text: String| dispatch.dispatch(Action::Edited(text));
                match Editor::create(&el, &initial, on_change, on_run) {
                    Ok(ed) => *editor.borrow_mut() = Some(ed),
                    Err(e) => load_error.set(Some(format!("the editor could not start: {e:?}"))),
                }
            }
        });
    }
    {
        // Only a replaced playground reaches the editor: typing never comes
        // back to it.
        let (editor, source) = (editor.clone(), state.source.clone());
        use_effect_with(state.loads, move |_| {
            if let Some(ed) = editor.borrow().as_ref() {
                ed.set_text(&source);
            }
        });
    }
    use_effect_with(state.linked, |linked| {
        if !linked {
            links::forget_stale_fragment();
        }
    });
    {
        // Saved a moment after the last change, not on every key.
        let timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
        let saved = state.clone();
        use_effect_with(state.changes, move |_| {
            *timer.borrow_mut() = Some(gloo::timers::callback::Timeout::new(
                SAVE_AFTER_MS,
                move || links::save(&saved.to_share()),
            ));
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
    // After the findings effect above: the text's findings are on screen.
    use_effect_with(state.source.clone(), |_| super::editor::mark_lint_shown());
    {
        // The worker builds; its steps come back as they end.
        let (dispatch, current) = (state.dispatcher(), state.clone());
        use_effect_with(state.builds.running, move |running| {
            if *running {
                current
                    .backend
                    .call(current.build_call(), move |answer| match answer {
                        Answer::Step(step) => dispatch.dispatch(Action::BuildStep(step)),
                        Answer::Built { attempt, image } => dispatch.dispatch(Action::Built {
                            attempt: Box::new(attempt),
                            image: image.map(Box::new),
                        }),
                        Answer::Failed(why) => dispatch.dispatch(Action::BuildFailed(why)),
                        _ => {}
                    });
            }
        });
    }
    {
        // The worker loads while the user reads the page, not on the
        // first build.
        let backend = state.backend.clone();
        use_effect_with((), move |_| {
            let timer = gloo::timers::callback::Timeout::new(WARM_AFTER_MS, move || backend.warm());
            move || drop(timer)
        });
    }

    let focus = {
        let (editor, dispatch) = (editor.clone(), state.dispatcher());
        let file_open = state.open.is_some();
        Callback::from(move |offset: usize| {
            let focus_now = {
                let editor = editor.clone();
                move || {
                    if let Some(ed) = editor.borrow().as_ref() {
                        ed.focus_at(offset);
                    }
                }
            };
            if !file_open {
                // At once, so that keys pressed right after the click land
                // in the editor.
                focus_now();
                return;
            }
            dispatch.dispatch(Action::Open(None));
            // After the render that shows the Dockerfile again: a hidden
            // editor cannot take the focus.
            gloo::timers::callback::Timeout::new(0, focus_now).forget();
        })
    };
    let sharing = use_state(|| None::<Rc<share::Playground>>);
    let share = {
        let (sharing, state) = (sharing.clone(), state.clone());
        Callback::from(move |_: MouseEvent| sharing.set(Some(Rc::new(state.to_share()))))
    };
    let close_share = {
        let sharing = sharing.clone();
        Callback::from(move |()| sharing.set(None))
    };
    let choose_example = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                && let Some(ex) = Example::by_key(&s.value())
            {
                dispatch.dispatch(Action::Load {
                    playground: Box::new(ex.playground()),
                    from_history: false,
                });
            }
        })
    };
    let reset = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            let ex = Example::default_example();
            dispatch.dispatch(Action::Load {
                playground: Box::new(ex.playground()),
                from_history: false,
            })
        })
    };
    let choose_layer = {
        let dispatch = state.dispatcher();
        Callback::from(move |i: usize| dispatch.dispatch(Action::ChooseLayer(i)))
    };
    let dismiss = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Notice(None)))
    };
    let open_file = state
        .open
        .as_ref()
        .and_then(|p| state.files.iter().find(|f| f.path == *p))
        .map(|f| Rc::new(f.clone()));
    let open_ignored = state.open.as_ref().is_some_and(|p| {
        state
            .context
            .files
            .iter()
            .any(|f| f.path == *p && f.ignored)
    });
    let build = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::BuildRequested))
    };
    let show_tab = {
        let dispatch = state.dispatcher();
        Callback::from(move |tab: Tab| dispatch.dispatch(Action::ShowTab(tab)))
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
    let builds = &state.builds;
    let build_badge = match &builds.last {
        _ if builds.running => Some(("running", "…".to_string())),
        Some(a) if a.failure.is_some() => Some(("bad", "failed".to_string())),
        Some(_) => Some(("ok", "done".to_string())),
        None => None,
    };
    let badges = |tab: Tab| -> Option<(&'static str, String)> {
        match tab {
            Tab::Problems => Some(("count", state.problems.len().to_string())),
            Tab::Build => build_badge.clone(),
            Tab::Layers => builds
                .image
                .as_ref()
                .map(|i| ("count", i.layers.len().to_string())),
            Tab::Images => None,
            Tab::Registry => None,
        }
    };
    let tab = state.tab;

    html! {
        <div class="app">
            <header class="bar">
                <div class="brand">{"layer"}<span>{"lab"}</span></div>
                <div class="tagline">{"Dockerfile playground — parsed as BuildKit parses it, built into real OCI layers, in your browser"}</div>
                <div class="spacer"></div>
                <select class="examples" aria-label="Open an example" data-testid="examples" onchange={choose_example}>
                    <option value="" selected={state.example.is_none()}>{"Your playground"}</option>
                    { for EXAMPLES.iter().map(|ex| html! {
                        <option value={ex.key} selected={state.example == Some(ex.key)}>{ex.title}</option>
                    }) }
                </select>
                <button type="button" class="small" data-testid="reset" onclick={reset}
                    title="Start again from the default example (Back returns here)">{"New"}</button>
                <button type="button" class="small" data-testid="share-button" onclick={share}
                    title="A link to this playground: Dockerfile, files, build options">{"Share"}</button>
                <a class="nav" href="#rules">{"Rules"}</a>
                <super::theme::ThemeSelect />
                <super::help::Help />
                <div class={status_class} data-testid="status">{status_text}</div>
                <button type="button" class="build-button" data-testid="build-button" onclick={build}
                    disabled={builds.running} aria-busy={builds.running.to_string()}
                    title="Build the image (Ctrl+Enter or ⌘+Enter in the editor)">
                    <span aria-hidden="true">{"▶"}</span>{if builds.running { " Building…" } else { " Build" }}
                    <kbd aria-hidden="true">{"Ctrl+↵"}</kbd>
                </button>
            </header>
            if let Some(err) = &*load_error {
                <div class="empty" role="alert">{err}</div>
            }
            if let Some(n) = &state.notice {
                <div class="notice" role="alert" data-testid="notice">
                    <span>{n.to_string()}</span>
                    <button type="button" class="small" onclick={dismiss}>{"Dismiss"}</button>
                </div>
            }
            if let Some(shared) = &*sharing {
                <ShareBox shared={shared.clone()} dispatch={state.dispatcher()} on_close={close_share} />
            }
            <main class="workspace">
                <section class="pane source">
                    <FilesPanel context={state.context.clone()} open={state.open.clone()} dispatch={state.dispatcher()} />
                    <div class="source-main">
                        <h2 class={classes!(open_file.is_some().then_some("file-title"))}>
                            {open_file.as_ref().map_or_else(|| "Dockerfile".to_string(), |f| f.path.clone())}
                        </h2>
                        <div class="editor" ref={host} hidden={open_file.is_some()}></div>
                        if let Some(file) = open_file {
                            <FileEditor {file} ignored={open_ignored} dispatch={state.dispatcher()} />
                        }
                    </div>
                </section>
                <section class="pane side">
                    <TabList current={tab} on_select={show_tab} badges={Tab::ALL.map(badges)} />
                    <div class="tabpanel" role="tabpanel" id="panel-problems" aria-labelledby="tab-problems"
                        hidden={tab != Tab::Problems} tabindex="0">
                        { match &*route {
                            Route::Problems => html! {
                                <>
                                    <div class="panel-bar">
                                        <SeverityFilter problems={state.problems.clone()} hidden={(*hidden).clone()} on_toggle={toggle} />
                                    </div>
                                    <ProblemList problems={shown} total={state.problems.len()} on_select={focus.clone()} />
                                </>
                            },
                            Route::Rules => html! { <RuleIndex /> },
                            Route::Rule(code) => html! { <RulePage code={code.clone()} backend={state.backend.clone()} /> },
                        } }
                    </div>
                    <div class="tabpanel" role="tabpanel" id="panel-build" aria-labelledby="tab-build"
                        hidden={tab != Tab::Build} tabindex="0">
                        <BuildOptions stages={state.stages.clone()} target={state.target.clone()}
                            args_text={state.build_args_text.clone()} args_error={state.build_args_error.clone()}
                            dispatch={state.dispatcher()} />
                        <BuildPanel running={builds.running} live={builds.live.clone()} last={builds.last.clone()} image={builds.image.clone()}
                            context={state.context.clone()} on_jump={focus} />
                    </div>
                    <div class="tabpanel" role="tabpanel" id="panel-layers" aria-labelledby="tab-layers"
                        hidden={tab != Tab::Layers} tabindex="0">
                        <LayersPanel image={builds.image.clone()} previous={builds.previous.clone()} attempt={builds.last.clone()}
                            chosen={state.layer} on_choose={choose_layer} />
                    </div>
                    <div class="tabpanel" role="tabpanel" id="panel-images" aria-labelledby="tab-images"
                        hidden={tab != Tab::Images} tabindex="0">
                        <ImagesPanel backend={state.backend.clone()} generation={state.backend.generation()}
                            active={tab == Tab::Images} />
                        <StageGraph source={state.source.clone()} />
                    </div>
                    <div class="tabpanel" role="tabpanel" id="panel-registry" aria-labelledby="tab-registry"
                        hidden={tab != Tab::Registry} tabindex="0">
                        <RegistryPanel image={builds.image.clone()} backend={state.backend.clone()} />
                    </div>
                </section>
            </main>
            <footer class="foot">{"Parsed, checked and built by layerlab’s Rust core, compiled to WebAssembly: nothing leaves your browser · Esc then Tab leaves the editor"}</footer>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TabListProps {
    current: Tab,
    on_select: Callback<Tab>,
    /// Per tab (in `Tab::ALL` order): a class and a short text beside the label.
    badges: [Option<(&'static str, String)>; Tab::ALL.len()],
}

/// The WAI-ARIA tabs pattern: one tab in the Tab order, arrows, Home and End
/// move between them and select.
#[function_component(TabList)]
fn tab_list(props: &TabListProps) -> Html {
    let onkeydown = {
        let (current, on_select) = (props.current, props.on_select.clone());
        Callback::from(move |e: KeyboardEvent| {
            let i = Tab::ALL.iter().position(|t| *t == current).unwrap_or(0);
            let n = Tab::ALL.len();
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % n,
                "ArrowLeft" => (i + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            e.prevent_default();
            let tab = Tab::ALL[next];
            on_select.emit(tab);
            if let Some(el) = gloo::utils::document()
                .get_element_by_id(&format!("tab-{}", tab.key()))
                .and_then(|el| el.dyn_into::<HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label="Results" {onkeydown}>
            { for Tab::ALL.iter().zip(&props.badges).map(|(&tab, badge)| {
                let selected = tab == props.current;
                let on_select = props.on_select.clone();
                html! {
                    <button type="button" role="tab" id={format!("tab-{}", tab.key())}
                        class={classes!("tab", selected.then_some("selected"))}
                        aria-selected={selected.to_string()} aria-controls={format!("panel-{}", tab.key())}
                        tabindex={if selected { "0" } else { "-1" }} data-testid={format!("tab-{}", tab.key())}
                        onclick={Callback::from(move |_| on_select.emit(tab))}>
                        {tab.label()}
                        if let Some((class, text)) = badge {
                            <span class={classes!("badge", *class)}>{text}</span>
                        }
                    </button>
                }
            }) }
        </div>
    }
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
