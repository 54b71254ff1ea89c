//! Two builds side by side, in the Layers tab: which layers the latest image
//! shares with the one before it, which are new and why, and what that costs
//! a push or a pull (only new layers travel).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::build::{Attempt, ImageView, LayerOrigin, human_size};
use yew::prelude::*;

/// What became of one layer position from one image to the next.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// The very same blob, at the same place.
    Reused,
    /// The same blob, though its step ran again (why): its bytes came out
    /// the same, so it costs nothing to push or pull.
    Same(String),
    /// A blob the older image did not have: why it was made.
    New(String),
    /// The older image had a layer here; the newer has none.
    Gone,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub index: usize,
    /// The newer image's layer (`created_by`), or the older's when gone.
    pub created_by: String,
    pub fate: Fate,
    /// Bytes of the blob (gzip).
    pub size: u64,
}

/// Layer by layer, bottom first. `attempt` is the build that made `after`:
/// its steps say why a layer was built.
pub fn compare(before: &ImageView, after: &ImageView, attempt: Option<&Attempt>) -> Vec<Row> {
    let old: BTreeSet<&str> = before.layers.iter().map(|l| l.digest.as_str()).collect();
    let mut rows: Vec<Row> = after
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let same_place = before.layers.get(i).is_some_and(|b| b.digest == l.digest);
            let fate = if same_place || old.contains(l.digest.as_str()) {
                match l.origin {
                    LayerOrigin::Built => Fate::Same(why(l.origin, l.step, attempt)),
                    _ => Fate::Reused,
                }
            } else {
                Fate::New(why(l.origin, l.step, attempt))
            };
            Row {
                index: i,
                created_by: l.created_by.clone(),
                fate,
                size: l.size,
            }
        })
        .collect();
    // Every older layer the new image does not have, wherever it was.
    let new: BTreeSet<&str> = after.layers.iter().map(|l| l.digest.as_str()).collect();
    rows.extend(
        before
            .layers
            .iter()
            .enumerate()
            .filter(|(_, l)| !new.contains(l.digest.as_str()))
            .map(|(i, l)| Row {
                index: i,
                created_by: l.created_by.clone(),
                fate: Fate::Gone,
                size: l.size,
            }),
    );
    rows
}

fn why(origin: LayerOrigin, step: Option<usize>, attempt: Option<&Attempt>) -> String {
    match (origin, step) {
        (LayerOrigin::Base, _) => "the base image changed".into(),
        (LayerOrigin::Cached, Some(n)) => {
            format!("step #{n} came from the cache, from a build older than the compared one")
        }
        (_, Some(n)) => {
            let step = attempt.and_then(|a| a.steps.iter().find(|s| s.id == n));
            match step.and_then(|s| s.reason.clone()) {
                Some(r) => format!("step #{n} ran: {r}"),
                None => format!("step #{n} ran"),
            }
        }
        (_, None) => "made by this build".into(),
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub before: Rc<ImageView>,
    pub after: Rc<ImageView>,
    /// The build that made `after`, when it is the latest.
    pub attempt: Option<Rc<Attempt>>,
}

#[function_component(Compare)]
pub fn compare_view(props: &CompareProps) -> Html {
    let attempt = props
        .attempt
        .as_deref()
        .filter(|a| a.number == props.after.number);
    let rows = compare(&props.before, &props.after, attempt);
    let reused: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.fate, Fate::Reused | Fate::Same(_)))
        .collect();
    let new: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.fate, Fate::New(_)))
        .collect();
    // A blob at two places travels once.
    let new_bytes: u64 = props
        .after
        .layers
        .iter()
        .zip(&rows)
        .filter(|(_, r)| matches!(r.fate, Fate::New(_)))
        .map(|(l, r)| (l.digest.as_str(), r.size))
        .collect::<BTreeMap<_, _>>()
        .values()
        .sum();
    let summary = if props.before.id == props.after.id {
        format!(
            "Build #{} made the same image as build #{}: nothing new to push or pull.",
            props.after.number, props.before.number
        )
    } else {
        format!(
            "Build #{} against build #{}: {} of {} layers reused; {} new, {} that a push or pull of the new image moves (the rest is already there).",
            props.after.number,
            props.before.number,
            reused.len(),
            props.after.layers.len(),
            new.len(),
            human_size(new_bytes)
        )
    };
    html! {
        <details class="compare" data-testid="compare" open=true>
            <summary>{format!("Compare with build #{}", props.before.number)}</summary>
            <p class="note" data-testid="compare-summary">{summary}</p>
            <ol class="compare-rows">
                { for rows.iter().map(|r| {
                    let (class, mark, text) = match &r.fate {
                        Fate::Reused => ("reused", "=", "reused".to_string()),
                        Fate::Same(why) => ("same", "=", format!("the same bytes again: {why}")),
                        Fate::New(why) => ("new", "+", format!("new: {why}")),
                        Fate::Gone => ("gone", "−", "no longer in the image".to_string()),
                    };
                    html! {
                        <li class={classes!("compare-row", class)} data-testid="compare-row" data-fate={class} title={text.clone()}>
                            <span class="mark" aria-hidden="true">{mark}</span>
                            <span class="index">{r.index + 1}</span>
                            <span class="created-by" title={r.created_by.clone()}>{&r.created_by}</span>
                            <span class="size">{human_size(r.size)}</span>
                            // "=" says it for a reused layer: one line each.
                            if r.fate == Fate::Reused {
                                <span class="sr-only">{"reused"}</span>
                            } else {
                                <span class="fate">{text}</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </details>
    }
}
