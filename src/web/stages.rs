//! The Dockerfile's stages as a graph: a box per stage, an edge for each
//! `FROM <stage>` and each `COPY --from` / `RUN --mount=from=` that names a
//! stage, and the stage that ships (the last: the page builds no --target).
//! Names come from the Dockerfile, someone else's text when it came in a
//! link: they are drawn as SVG text nodes, never as markup.

use std::rc::Rc;

use crate::dockerfile::instructions::{self, BuildArgs, Instr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StageGraphProps {
    pub source: Rc<str>,
}

#[derive(Debug, Clone, PartialEq)]
struct StageBox {
    /// BuildKit's name: the `AS` name, or `stage-N`.
    name: String,
    /// `FROM` as written after expansion.
    base: String,
    /// Whether the final image needs it: BuildKit skips the others.
    needed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum EdgeKind {
    From,
    Copy,
}

#[derive(Debug, Clone, PartialEq)]
struct Edge {
    from: usize,
    to: usize,
    kind: EdgeKind,
}

/// The stage a `FROM` or `--from` value names, among those before `before`:
/// a name (case-insensitive) or an index.
fn stage_ref(stages: &[instructions::Stage], before: usize, value: &str) -> Option<usize> {
    let v = value.to_lowercase();
    if let Ok(i) = v.parse::<usize>() {
        return (i < before).then_some(i);
    }
    stages[..before]
        .iter()
        .position(|s| s.name.as_deref() == Some(v.as_str()))
}

fn graph(source: &str) -> (Vec<StageBox>, Vec<Edge>) {
    let ast = crate::dockerfile::parse(source);
    let mut df = instructions::parse_dockerfile(&ast);
    instructions::expand_dockerfile(&mut df, &BuildArgs::new(), ast.escape_token);
    let mut edges = Vec::new();
    for (i, stage) in df.stages.iter().enumerate() {
        // An index is no stage name in FROM: only names count there.
        let base = stage.base.value().to_lowercase();
        if let Some(j) = df.stages[..i]
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()))
        {
            edges.push(Edge {
                from: j,
                to: i,
                kind: EdgeKind::From,
            });
        }
        for ins in &stage.instructions {
            let froms: Vec<&str> = match &ins.instr {
                Instr::Copy(c) => c.from.iter().filter_map(|f| f.value.as_deref()).collect(),
                Instr::Run(r) => r
                    .mounts
                    .iter()
                    .filter_map(|m| m.mount.as_ref()?.from.as_deref())
                    .collect(),
                _ => Vec::new(),
            };
            for f in froms {
                if let Some(j) = stage_ref(&df.stages, i, f)
                    && !edges.iter().any(|e| e.from == j && e.to == i)
                {
                    edges.push(Edge {
                        from: j,
                        to: i,
                        kind: EdgeKind::Copy,
                    });
                }
            }
        }
    }
    let mut needed = vec![false; df.stages.len()];
    if let Some(last) = df.stages.len().checked_sub(1) {
        let mut todo = vec![last];
        while let Some(i) = todo.pop() {
            if !std::mem::replace(&mut needed[i], true) {
                todo.extend(edges.iter().filter(|e| e.to == i).map(|e| e.from));
            }
        }
    }
    let boxes = df
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| StageBox {
            name: s.name.clone().unwrap_or_else(|| format!("stage-{i}")),
            base: s.base.value().to_string(),
            needed: needed[i],
        })
        .collect();
    (boxes, edges)
}

/// At most `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

const BOX_W: i32 = 250;
const BOX_H: i32 = 46;
const GAP: i32 = 30;
const LEFT: i32 = 70;
const TOP: i32 = 10;

#[function_component(StageGraph)]
pub fn stage_graph(props: &StageGraphProps) -> Html {
    let (boxes, edges) = {
        let source = props.source.clone();
        (*use_memo(source, |s| graph(s))).clone()
    };
    if boxes.is_empty() {
        return html! {
            <section class="stages" data-testid="stages">
                <h3>{"Stages"}</h3>
                <p class="empty">{"The Dockerfile has no FROM yet."}</p>
            </section>
        };
    }
    let ship = boxes.len() - 1;
    let y = |i: usize| TOP + i as i32 * (BOX_H + GAP);
    let height = y(boxes.len()) - GAP + TOP + 4;
    let width = LEFT + BOX_W + 120;
    let edge_paths = edges.iter().enumerate().map(|(k, e)| {
        let (y1, y2) = (y(e.from) + BOX_H / 2, y(e.to) + BOX_H / 2);
        // FROM edges bend out on the left, COPY --from on the right; each a
        // little further out than the one before, so they do not overlap.
        let bend = 18 + 10 * k as i32;
        let (x, out, class, label) = match e.kind {
            EdgeKind::From => (LEFT, LEFT - bend, "edge from", "FROM"),
            EdgeKind::Copy => (LEFT + BOX_W, LEFT + BOX_W + bend, "edge copy", "--from"),
        };
        let d = format!("M {x} {y1} C {out} {y1}, {out} {y2}, {} {y2}", x + if x == LEFT { -2 } else { 2 });
        let label_x = if e.kind == EdgeKind::From { out - 4 } else { out + 4 };
        let anchor = if e.kind == EdgeKind::From { "end" } else { "start" };
        html! {
            <g data-testid="stage-edge" data-kind={label} data-from={boxes[e.from].name.clone()} data-to={boxes[e.to].name.clone()}>
                <path class={class} d={d} marker-end="url(#stage-arrow)" />
                <text class="edge-label" x={label_x.to_string()} y={((y1 + y2) / 2 + 4).to_string()} text-anchor={anchor}>{label}</text>
            </g>
        }
    });
    let stage_boxes = boxes.iter().enumerate().map(|(i, b)| {
        let top = y(i);
        let class = classes!(
            "stage-box",
            (i == ship).then_some("ships"),
            (!b.needed).then_some("skipped")
        );
        // A word on the box, and why, for a pointer or a screen reader.
        let note = if i == ship {
            Some(("ships", "ships: this stage is the image"))
        } else if b.needed {
            None
        } else {
            Some(("skipped", "skipped: BuildKit builds it only when the image needs it"))
        };
        html! {
            <g class={class} data-testid="stage" data-name={b.name.clone()}>
                <title>{format!("{} — FROM {}", b.name, b.base)}</title>
                <rect x={LEFT.to_string()} y={top.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="6" />
                <text class="stage-name" x={(LEFT + 10).to_string()} y={(top + 18).to_string()}>{clip(&b.name, 30)}</text>
                <text class="stage-base" x={(LEFT + 10).to_string()} y={(top + 36).to_string()}>{format!("FROM {}", clip(&b.base, 30))}</text>
                if let Some((word, why)) = note {
                    <text class="stage-note" x={(LEFT + BOX_W - 8).to_string()} y={(top + 18).to_string()} text-anchor="end"><title>{why}</title>{word}</text>
                }
            </g>
        }
    });
    html! {
        <section class="stages" data-testid="stages">
            <h3>{"Stages"}<span class="note">{" — FROM and COPY --from between them; the last one ships"}</span></h3>
            <svg class="stage-graph" role="group" aria-label="The Dockerfile's stages" width={width.to_string()} height={height.to_string()}
                viewBox={format!("0 0 {width} {height}")}>
                <defs>
                    <marker id="stage-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 8 4 L 0 8 z" class="arrow-head" />
                    </marker>
                </defs>
                { for edge_paths }
                { for stage_boxes }
            </svg>
        </section>
    }
}
