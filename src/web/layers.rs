//! The Layers tab: the image's layers as `docker history` knows them, dive's
//! efficiency score and wasted space, and what the chosen layer changes (or
//! the whole tree up to it), marked as dive marks it.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::build::{FileChange, ImageView, LayerOrigin, LayerView, human_size};
use super::compare::Compare;
use crate::build::images::efficiency::Efficiency;
use crate::vfs::ChangeKind;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LayersPanelProps {
    pub image: Option<Rc<ImageView>>,
    /// The image of the build before, to compare with.
    pub previous: Option<Rc<ImageView>>,
    /// The latest build.
    pub attempt: Option<Rc<super::build::Attempt>>,
    /// The chosen layer, by index (the playground's, so a link carries it).
    pub chosen: Option<usize>,
    pub on_choose: Callback<usize>,
}

/// `sha256:` and the first 12 hex digits.
fn short(digest: &str) -> String {
    match digest.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => digest.to_string(),
    }
}

#[function_component(LayersPanel)]
pub fn layers_panel(props: &LayersPanelProps) -> Html {
    let Some(img) = &props.image else {
        return html! {
            <div class="layers-panel">
                <p class="empty" data-testid="no-layers">{"Build the Dockerfile to see its image's layers."}</p>
            </div>
        };
    };
    let chosen = props.chosen.and_then(|i| img.layers.get(i).map(|l| (i, l)));
    html! {
        <div class="layers-panel">
            <p class="layers-head">
                {format!("{} layers · {} compressed", img.layers.len(), human_size(img.size()))}
                if let Some(t) = img.tar_size() {
                    {format!(" · {} uncompressed", human_size(t))}
                }
                <span class="legend">{"Choose a layer to see what it changes."}</span>
            </p>
            <ol class="layers" data-testid="layers" aria-label="Layers, bottom first">
                { for img.layers.iter().enumerate().map(|(i, l)| {
                    let on_click = props.on_choose.reform(move |_: MouseEvent| i);
                    let is_chosen = props.chosen == Some(i);
                    html! {
                        <li>
                            <button type="button" class={classes!("layer", is_chosen.then_some("chosen"))}
                                aria-pressed={is_chosen.to_string()} data-testid="layer" onclick={on_click}>
                                <span class="index">{i + 1}</span>
                                <span class="created-by" title={l.created_by.clone()}>{&l.created_by}</span>
                                { origin_badge(l) }
                                <span class="sizes">
                                    {human_size(l.size)}
                                    if let Some(t) = l.tar_size {
                                        <span class="tar" title="uncompressed">{format!(" / {}", human_size(t))}</span>
                                    }
                                </span>
                                <span class="ids">
                                    <span title={l.diff_id.clone()}>{"diff_id "}{short(&l.diff_id)}</span>
                                    <span title={l.digest.clone()}>{"digest "}{short(&l.digest)}</span>
                                </span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if let Some(before) = &props.previous {
                <Compare before={before.clone()} after={img.clone()} attempt={props.attempt.clone()} />
            }
            { match &img.efficiency {
                Ok(e) => html! { <EfficiencyView efficiency={e.clone()} image={img.clone()} on_select={props.on_choose.clone()} /> },
                Err(e) => html! { <p class="note">{format!("No efficiency score: a layer could not be read ({e}).")}</p> },
            } }
            if let Some((i, _)) = chosen {
                <LayerFiles index={i} image={img.clone()} />
            }
        </div>
    }
}

fn origin_badge(l: &LayerView) -> Html {
    let (class, text, title) = match (l.origin, l.step) {
        (LayerOrigin::Base, _) => (
            "base",
            "base".to_string(),
            "from the base image".to_string(),
        ),
        (LayerOrigin::Cached, Some(n)) => (
            "cached",
            "CACHED".to_string(),
            format!("step #{n} was taken from the build cache"),
        ),
        (LayerOrigin::Built, Some(n)) => (
            "built",
            "built".to_string(),
            format!("step #{n} ran in this build"),
        ),
        (_, None) => ("base", "?".to_string(), String::new()),
    };
    html! { <span class={classes!("origin", class)} title={title} data-testid="layer-origin">{text}</span> }
}

#[derive(Properties, PartialEq)]
struct EfficiencyViewProps {
    efficiency: Rc<Efficiency>,
    image: Rc<ImageView>,
    on_select: Callback<usize>,
}

/// The wasted paths listed at first, and at most when the list is opened;
/// the rest are counted.
const WASTED_FIRST: usize = 5;
const WASTED_ROWS: usize = 50;

/// dive's lowest efficiency for `dive --ci` (its default rule).
const CI_LOWEST_EFFICIENCY: f64 = 0.9;

/// dive's image details: the score, the wasted bytes, and the paths that
/// waste them, each with the layers (and so the instructions) that hold it.
#[function_component(EfficiencyView)]
fn efficiency_view(props: &EfficiencyViewProps) -> Html {
    let open = use_state(|| false);
    let e = &props.efficiency;
    let layers = &props.image.layers;
    let shown = if *open { WASTED_ROWS } else { WASTED_FIRST };
    // dive prints the score as a whole percent, cut, not rounded.
    let percent = (e.score * 100.0).floor() as u64;
    let passes = e.score >= CI_LOWEST_EFFICIENCY;
    html! {
        <section class="efficiency" data-testid="efficiency" aria-label="Image efficiency">
            <p class="efficiency-head">
                <span>{"Image efficiency score: "}<strong class={classes!(if passes { "ok" } else { "bad" })} data-testid="efficiency-score">{format!("{percent} %")}</strong></span>
                <span>{"Potential wasted space: "}<strong data-testid="wasted-bytes">{human_size(e.wasted)}</strong></span>
                <span class="note">{if passes { "dive --ci passes (lowest efficiency 0.9)" } else { "dive --ci fails: below its lowest efficiency, 0.9" }}</span>
            </p>
            <p class="note">{"A path that a later layer rewrites or deletes is carried by both layers: dive counts every copy of it as wasted. Choose a layer in a row to see it."}</p>
            if e.paths.is_empty() {
                <p class="note" data-testid="no-waste">{"No path is in two layers: nothing is wasted."}</p>
            } else {
                <table class="wasted" data-testid="wasted">
                    <thead><tr><th>{"Count"}</th><th>{"Total space"}</th><th>{"Path"}</th><th>{"Layers that hold it"}</th></tr></thead>
                    <tbody>
                        { for e.paths.iter().take(shown).map(|p| html! {
                            <tr data-testid="wasted-row">
                                <td class="num">{p.layers.len()}</td>
                                <td class="num">{human_size(p.cumulative)}</td>
                                <td class="path">{&p.path}</td>
                                <td class="by">
                                    { for p.layers.iter().map(|pl| {
                                        let l = layers.get(pl.layer);
                                        let created_by = l.map(|l| l.created_by.clone()).unwrap_or_default();
                                        let instruction = short_instruction(&created_by);
                                        let step = l.and_then(|l| l.step).map(|n| format!(" (step #{n})")).unwrap_or_default();
                                        let what = if pl.deleted { "deletes" } else { "writes" };
                                        let on_select = props.on_select.clone();
                                        let i = pl.layer;
                                        html! {
                                            <button type="button" class={classes!("wasted-layer", if pl.deleted { "deleted" } else { "added" })}
                                                data-testid="wasted-layer" title={format!("layer {}{step} {what} {} here: {created_by}", i + 1, human_size(pl.size))}
                                                onclick={Callback::from(move |_| on_select.emit(i))}>
                                                <span class="which">{format!("{} {}", i + 1, if pl.deleted { "D" } else { "A" })}</span>
                                                <span class="created-by">{instruction}</span>
                                            </button>
                                        }
                                    }) }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if e.paths.len() > WASTED_FIRST {
                    <p class="note">
                        if *open && e.paths.len() > WASTED_ROWS {
                            {format!("…and {} more paths in two layers or more. ", e.paths.len() - WASTED_ROWS)}
                        }
                        <button type="button" class="chip on" data-testid="wasted-more" aria-expanded={open.to_string()}
                            onclick={let open = open.clone(); Callback::from(move |_| open.set(!*open))}>
                            {if *open { "show fewer".to_string() } else { format!("show {} more", e.paths.len().min(WASTED_ROWS) - WASTED_FIRST) }}
                        </button>
                    </p>
                }
            }
        </section>
    }
}

/// A history row's instruction without BuildKit's wrapping, for a narrow
/// place: `RUN /bin/sh -c apt-get update # buildkit` → `RUN apt-get update`.
fn short_instruction(created_by: &str) -> String {
    let s = created_by.strip_suffix(" # buildkit").unwrap_or(created_by);
    match s.strip_prefix("RUN /bin/sh -c ") {
        Some(cmd) => format!("RUN {cmd}"),
        None => s.to_string(),
    }
}

#[derive(Properties, PartialEq)]
struct LayerFilesProps {
    index: usize,
    image: Rc<ImageView>,
}

/// A path of the tree up to a layer, and what the layers above the first
/// did to it (`None`: as the first layer left it).
#[derive(Debug, Clone)]
struct TreePath {
    change: FileChange,
    mark: Option<ChangeKind>,
    in_first: bool,
}

/// The tree the layers up to `upto` make, marked as dive's aggregated view
/// marks it: each path against the first layer, deleted paths kept (red).
fn aggregated(layers: &[LayerView], upto: usize) -> Result<Vec<TreePath>, String> {
    let mut tree: BTreeMap<String, TreePath> = BTreeMap::new();
    for (j, l) in layers.iter().enumerate().take(upto + 1) {
        let changes = l.changes.as_ref().map_err(Clone::clone)?;
        for c in changes.iter() {
            let below = |tree: &mut BTreeMap<String, TreePath>, dir: &str, keep: bool| {
                let prefix = format!("{}/", dir.trim_end_matches('/'));
                for (p, t) in tree.range_mut(dir.to_string()..) {
                    if p != dir && !p.starts_with(&prefix) {
                        break;
                    }
                    if !(keep && p == dir) {
                        t.mark = Some(ChangeKind::Deleted);
                    }
                }
            };
            if j == 0 {
                if c.kind != ChangeKind::Deleted {
                    tree.insert(
                        c.path.clone(),
                        TreePath {
                            change: c.clone(),
                            mark: None,
                            in_first: true,
                        },
                    );
                }
                continue;
            }
            if c.kind == ChangeKind::Deleted {
                if !tree.contains_key(&c.path) {
                    tree.insert(
                        c.path.clone(),
                        TreePath {
                            change: c.clone(),
                            mark: None,
                            in_first: false,
                        },
                    );
                }
                below(&mut tree, &c.path, false);
                continue;
            }
            if c.opaque {
                below(&mut tree, &c.path, true);
            }
            match tree.get_mut(&c.path) {
                Some(t) => {
                    let kept_dir = c.is_dir && t.mark.is_none();
                    t.mark = if kept_dir {
                        None
                    } else if t.in_first {
                        Some(ChangeKind::Modified)
                    } else {
                        Some(ChangeKind::Added)
                    };
                    t.change = c.clone();
                }
                None => {
                    tree.insert(
                        c.path.clone(),
                        TreePath {
                            change: c.clone(),
                            mark: Some(ChangeKind::Added),
                            in_first: false,
                        },
                    );
                }
            }
        }
    }
    Ok(tree.into_values().collect())
}

/// How many paths of the whole tree are listed (a base image has thousands).
const TREE_ROWS: usize = 3000;

/// What one layer changes, or the tree up to it, as a file list (dive's
/// marks and colours).
#[function_component(LayerFiles)]
fn layer_files(props: &LayerFilesProps) -> Html {
    let whole = use_state(|| false);
    let Some(l) = props.image.layers.get(props.index) else {
        return html! {};
    };
    let toggle = {
        let whole = whole.clone();
        move |value: bool| {
            let whole = whole.clone();
            Callback::from(move |_: MouseEvent| whole.set(value))
        }
    };
    let body = if *whole {
        match aggregated(&props.image.layers, props.index) {
            Err(e) => {
                html! { <p class="build-error" role="alert">{format!("A layer could not be read: {e}")}</p> }
            }
            Ok(tree) => {
                let count = |k: Option<ChangeKind>| tree.iter().filter(|t| t.mark == k).count();
                html! {
                    <>
                        <p class="counts">
                            <span>{format!("{} paths", tree.len())}</span>
                            <span class="added">{format!("{} added", count(Some(ChangeKind::Added)))}</span>
                            <span class="modified">{format!("{} modified", count(Some(ChangeKind::Modified)))}</span>
                            <span class="deleted">{format!("{} removed", count(Some(ChangeKind::Deleted)))}</span>
                            <span class="legend">{"since the first layer"}</span>
                        </p>
                        <ul class="layer-files" data-testid="layer-tree">
                            { for tree.iter().take(TREE_ROWS).map(|t| file_row(&t.change, t.mark)) }
                        </ul>
                        if tree.len() > TREE_ROWS {
                            <p class="note">{format!("…and {} more paths.", tree.len() - TREE_ROWS)}</p>
                        }
                    </>
                }
            }
        }
    } else {
        match &l.changes {
            Err(e) => {
                html! { <p class="build-error" role="alert">{format!("This layer could not be read: {e}")}</p> }
            }
            Ok(changes) if changes.is_empty() => html! {
                <p class="empty" data-testid="layer-empty">{"This layer changes no file: it is Docker's empty layer."}</p>
            },
            Ok(changes) => {
                let count = |k: ChangeKind| changes.iter().filter(|c| c.kind == k).count();
                html! {
                    <>
                        <p class="counts">
                            <span class="added">{format!("{} added", count(ChangeKind::Added))}</span>
                            <span class="modified">{format!("{} modified", count(ChangeKind::Modified))}</span>
                            <span class="deleted">{format!("{} deleted", count(ChangeKind::Deleted))}</span>
                        </p>
                        <ul class="layer-files" data-testid="layer-files">
                            { for changes.iter().map(|c| file_row(c, Some(c.kind))) }
                        </ul>
                    </>
                }
            }
        }
    };
    html! {
        <section class="layer-detail" aria-label={format!("Layer {}", props.index + 1)} data-testid="layer-detail">
            <h3>
                {format!("Layer {}", props.index + 1)}
                <code title={l.created_by.clone()}>{&l.created_by}</code>
            </h3>
            <div class="segmented" role="group" aria-label="Show">
                <button type="button" class={classes!("chip", (!*whole).then_some("on"))} aria-pressed={(!*whole).to_string()}
                    data-testid="show-layer" onclick={toggle(false)}>{"this layer"}</button>
                <button type="button" class={classes!("chip", whole.then_some("on"))} aria-pressed={whole.to_string()}
                    data-testid="show-tree" onclick={toggle(true)}>{"everything up to here"}</button>
            </div>
            {body}
        </section>
    }
}

/// A path with dive's mark; `None`: unchanged.
fn file_row(c: &FileChange, mark: Option<ChangeKind>) -> Html {
    let (class, mark) = match mark {
        Some(ChangeKind::Added) => ("added", "A"),
        Some(ChangeKind::Modified) => ("modified", "M"),
        Some(ChangeKind::Deleted) => ("deleted", "D"),
        None => ("unchanged", " "),
    };
    let name = if c.is_dir && c.path != "/" {
        format!("{}/", c.path)
    } else {
        c.path.clone()
    };
    html! {
        <li class={class} data-testid="layer-file">
            <span class="mark" title={class}>{mark}</span>
            <span class="path">
                {name}
                if let Some(t) = &c.link {
                    <span class="link">{format!(" → {t}")}</span>
                }
                if c.opaque {
                    <span class="link">{" (contents below replaced)"}</span>
                }
            </span>
            <span class="size">{c.size.map(human_size).unwrap_or_default()}</span>
        </li>
    }
}
