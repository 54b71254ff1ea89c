//! The Build tab: the log in BuildKit's plain style, the error with a way to
//! its place in the Dockerfile, the image, and what the context sends.

use std::rc::Rc;

use super::build::{Attempt, ImageView, LogStep, StepState, human_size};
use super::context::ContextView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BuildPanelProps {
    pub running: bool,
    /// The running build's steps that have ended, streamed from the worker.
    pub live: Rc<Vec<LogStep>>,
    pub last: Option<Rc<Attempt>>,
    pub image: Option<Rc<ImageView>>,
    pub context: Rc<ContextView>,
    /// Puts the editor's cursor at a UTF-16 offset.
    pub on_jump: Callback<usize>,
}

#[function_component(BuildPanel)]
pub fn build_panel(props: &BuildPanelProps) -> Html {
    let failure = props.last.as_ref().and_then(|a| a.failure.clone());
    html! {
        <div class="build-panel" data-testid="build-panel">
            <div class="build-state" role="status" aria-live="polite" data-testid="build-state">
                { status_line(props) }
            </div>
            if let Some(f) = failure {
                <div class="build-error" role="alert" data-testid="build-error">
                    <span class="label">{"ERROR"}</span>
                    <span class="message">{f.message}</span>
                    if let Some(at) = f.at {
                        <button type="button" class="jump" data-testid="jump-to-error"
                            onclick={props.on_jump.reform(move |_| at.offset)}>
                            {format!("Show in Dockerfile ({}:{})", at.line, at.col)}
                        </button>
                    }
                </div>
            }
            if props.running {
                <Log steps={props.live.clone()} />
            } else if let Some(a) = props.last.as_ref().filter(|a| !a.steps.is_empty()) {
                <Log steps={Rc::new(a.steps.clone())} />
            } else if props.last.is_none() && !props.running {
                <p class="empty build-hint">
                    {"Press "}<strong>{"Build"}</strong>{" (or Ctrl+Enter in the editor) to build the Dockerfile against the context (the files under Files): every step makes a real OCI layer, in your browser."}
                </p>
            }
            if let Some(img) = &props.image {
                <ImageSummary image={img.clone()}
                    stale={props.last.as_ref().is_some_and(|a| a.number != img.number)} />
            }
            <ContextSummary context={props.context.clone()} />
        </div>
    }
}

fn status_line(props: &BuildPanelProps) -> Html {
    if props.running {
        // The log below grows step by step; only the start is announced.
        return html! { <span class="running"><span class="spinner" aria-hidden="true"></span>{"Building…"}</span> };
    }
    match &props.last {
        None => html! { <span class="idle">{"Not built yet"}</span> },
        Some(a) if a.failure.is_some() => html! {
            <span class="failed">{format!("Build #{} failed after {}", a.number, millis(a.millis))}</span>
        },
        Some(a) => html! {
            <span class="done">
                {format!("Build #{} done in {} · {} of {} steps cached", a.number, millis(a.millis), a.cached(), a.steps.len())}
            </span>
        },
    }
}

fn millis(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

#[derive(Properties, PartialEq)]
struct LogProps {
    steps: Rc<Vec<LogStep>>,
}

/// `#N [stage k/n] INSTR`, what the learner must know, then how it ended.
#[function_component(Log)]
fn log(props: &LogProps) -> Html {
    html! {
        <ol class="build-log" data-testid="build-log" aria-label="Build log">
            { for props.steps.iter().map(|s| {
                let n = format!("#{}", s.id);
                let (class, end) = match &s.state {
                    StepState::Cached => ("cached", "CACHED".to_string()),
                    StepState::Done => ("done", format!("DONE {:.1}s", s.seconds)),
                    StepState::Failed(m) => ("failed", format!("ERROR: {m}")),
                };
                html! {
                    <li class={classes!("step", class)} data-testid="step">
                        <div class="line head"><span class="n">{&n}</span>{" "}<span class="label">{&s.label}</span>{" "}<span class="text">{&s.text}</span></div>
                        if let Some(r) = &s.reason {
                            <div class="line reason" data-testid="miss-reason"><span class="n">{&n}</span>{" cache miss: "}{r}</div>
                        }
                        { for s.output.iter().map(|l| html! {
                            <div class="line output" data-testid="output"><span class="n">{&n}</span>{" "}{l}</div>
                        }) }
                        { for s.notices.iter().map(|m| html! {
                            <div class="line notice" data-testid="notice"><span class="n">{&n}</span>{" "}<span class="mark" aria-label="notice">{"⚠"}</span>{" "}{m}</div>
                        }) }
                        <div class={classes!("line", "end", class)} data-testid="step-end"><span class="n">{&n}</span>{" "}{end}</div>
                    </li>
                }
            }) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
struct ImageSummaryProps {
    image: Rc<ImageView>,
    /// A later build failed: this is what the one before made.
    stale: bool,
}

#[function_component(ImageSummary)]
fn image_summary(props: &ImageSummaryProps) -> Html {
    let img = &props.image;
    let size = match img.tar_size() {
        Some(t) => format!(
            "{} compressed · {} uncompressed",
            human_size(img.size()),
            human_size(t)
        ),
        None => format!("{} compressed", human_size(img.size())),
    };
    html! {
        <section class="image-summary" data-testid="build-result" aria-label="Image">
            <h3>
                {"Image"}
                if props.stale {
                    <span class="stale">{format!("from build #{}, the last that succeeded", img.number)}</span>
                }
            </h3>
            <dl>
                <dt>{"Image ID"}</dt>
                <dd><code data-testid="image-id" title={img.id.to_string()}>{format!("sha256:{}", img.id.short())}</code></dd>
                <dt>{"Manifest"}</dt>
                <dd><code class="digest" data-testid="manifest-digest">{img.manifest.to_string()}</code></dd>
                <dt>{"Size"}</dt>
                <dd data-testid="image-size">{format!("{size} · {} layers", img.layers.len())}</dd>
                <dt>{"Cache"}</dt>
                <dd data-testid="cache-summary">{format!("{} of {} steps cached", img.cached, img.steps)}</dd>
            </dl>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ContextSummaryProps {
    context: Rc<ContextView>,
}

/// What the build reads; the files themselves are listed under Files.
#[function_component(ContextSummary)]
fn context_summary(props: &ContextSummaryProps) -> Html {
    let ctx = &props.context;
    let sent: u64 = ctx
        .files
        .iter()
        .filter(|f| !f.ignored)
        .map(|f| f.size)
        .sum();
    let ignored = ctx.files.len() - ctx.sent();
    html! {
        <p class="context-summary" data-testid="build-context">
            {format!("Context: {} files, {} sent to the build", ctx.sent(), human_size(sent))}
            if ignored > 0 {
                {format!("; {ignored} left out by .dockerignore")}
            }
            {" (edit them under Files)."}
        </p>
    }
}
