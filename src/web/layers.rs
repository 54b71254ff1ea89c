//! The Layers tab: the image's layers as `docker history` knows them, and
//! what the chosen one changes, marked as dive marks it.

use std::rc::Rc;

use super::build::{FileChange, ImageView, LayerOrigin, LayerView, human_size};
use crate::vfs::ChangeKind;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LayersPanelProps {
    pub image: Option<Rc<ImageView>>,
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
            if let Some((i, l)) = chosen {
                <LayerFiles index={i} layer={Rc::new(l.clone())} />
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
struct LayerFilesProps {
    index: usize,
    layer: Rc<LayerView>,
}

/// What one layer changes, as a file list (dive's marks and colours).
#[function_component(LayerFiles)]
fn layer_files(props: &LayerFilesProps) -> Html {
    let l = &props.layer;
    let body = match &l.changes {
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
                        { for changes.iter().map(file_row) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <section class="layer-detail" aria-label={format!("Layer {}", props.index + 1)} data-testid="layer-detail">
            <h3>
                {format!("Layer {}", props.index + 1)}
                <code title={l.created_by.clone()}>{&l.created_by}</code>
            </h3>
            {body}
        </section>
    }
}

fn file_row(c: &FileChange) -> Html {
    let (class, mark) = match c.kind {
        ChangeKind::Added => ("added", "A"),
        ChangeKind::Modified => ("modified", "M"),
        ChangeKind::Deleted => ("deleted", "D"),
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
