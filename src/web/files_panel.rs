//! The Files list beside the editor: the Dockerfile and the build context,
//! each file marked as `.dockerignore` marks it; new files, uploads of files
//! and of a folder. Names come from other people's links and disks: they are
//! only ever text nodes.

use std::rc::Rc;

use super::build::human_size;
use super::context::{self, ContextFile, ContextView};
use super::links;
use super::state::{Action, Playground};
use crate::build::dockerignore::Dockerignore;
use crate::share::{self, File};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FilesPanelProps {
    pub context: Rc<ContextView>,
    pub open: Option<String>,
    pub dispatch: UseReducerDispatcher<Playground>,
}

#[function_component(FilesPanel)]
pub fn files_panel(props: &FilesPanelProps) -> Html {
    let dispatch = props.dispatch.clone();
    let open = |path: Option<String>| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Open(path.clone())))
    };
    let new_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::NewFile))
    };
    let upload = |folder: bool| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                upload_files(input, folder, dispatch.clone());
            }
        })
    };
    let ctx = &props.context;
    let ignored = ctx.files.len() - ctx.sent();
    html! {
        <nav class="files" aria-label="Files" data-testid="files">
            <h2>{"Files"}</h2>
            <ul class="file-list" data-testid="context">
                <li>
                    <button type="button" class={classes!("file", "dockerfile", props.open.is_none().then_some("selected"))}
                        aria-current={props.open.is_none().then_some("true")} data-testid="open-dockerfile"
                        onclick={open(None)}>
                        <span class="path">{"Dockerfile"}</span>
                    </button>
                </li>
                { for tree(&ctx.files).into_iter().map(|row| {
                    let (f, depth) = match row {
                        TreeRow::Dir { name, depth } => return html! {
                            <li class="dir" style={format!("--depth:{depth}")} data-testid="context-dir">
                                <span class="path">{format!("{name}/")}</span>
                            </li>
                        },
                        TreeRow::File { file, depth } => (file, depth),
                    };
                    let selected = props.open.as_deref() == Some(f.path.as_str());
                    let name = f.path.rsplit('/').next().unwrap_or(&f.path);
                    html! {
                        <li class={classes!(f.ignored.then_some("ignored"))} style={format!("--depth:{depth}")}>
                            <button type="button" class={classes!("file", selected.then_some("selected"))}
                                aria-current={selected.then_some("true")} data-testid="context-file"
                                data-path={f.path.clone()}
                                title={f.path.clone()} onclick={open(Some(f.path.clone()))}>
                                <span class="path">{name}</span>
                                if f.ignored {
                                    <span class="why" title="ignored by .dockerignore: the build does not see it">{"ignored"}</span>
                                } else {
                                    <span class="size">{human_size(f.size)}</span>
                                }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <p class="files-summary" data-testid="context-summary">
                {format!("Context: {} sent", ctx.sent())}
                if ignored > 0 {
                    {format!(", {ignored} ignored by .dockerignore")}
                }
            </p>
            if let Some(e) = &ctx.ignore_error {
                <p class="files-error" role="alert">{e}</p>
            }
            <div class="file-actions">
                <button type="button" class="small" data-testid="new-file" onclick={new_file}>{"+ New file"}</button>
                <label class="small upload" title="Adds files to the context (same names are replaced)">
                    {"Upload files"}
                    <input type="file" multiple=true data-testid="upload-files" onchange={upload(false)} />
                </label>
                <label class="small upload" title="A folder becomes the whole context; a Dockerfile at its top opens in the editor">
                    {"Upload folder"}
                    <input type="file" multiple=true webkitdirectory=true data-testid="upload-folder" onchange={upload(true)} />
                </label>
            </div>
        </nav>
    }
}

/// A row of the Files tree: a folder (named once, before what it holds) or
/// a file, with how deep it is.
enum TreeRow<'a> {
    Dir { name: &'a str, depth: usize },
    File { file: &'a ContextFile, depth: usize },
}

/// The context as a tree: `files` sorted by path keep each folder's files
/// together (they share its `dir/` prefix), so a folder's row goes where its
/// first file is.
fn tree(files: &[ContextFile]) -> Vec<TreeRow<'_>> {
    let mut rows = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    for f in files {
        let mut dirs: Vec<&str> = f.path.split('/').collect();
        dirs.pop();
        let shared = open.iter().zip(&dirs).take_while(|(a, b)| a == b).count();
        open.truncate(shared);
        for (depth, name) in dirs.iter().enumerate().skip(shared) {
            rows.push(TreeRow::Dir { name, depth });
            open.push(name);
        }
        rows.push(TreeRow::File {
            file: f,
            depth: dirs.len(),
        });
    }
    rows
}

/// Reads what the user picked, within the context's caps, and hands it to
/// the reducer. Sizes and paths are checked before any byte is read.
fn upload_files(input: HtmlInputElement, folder: bool, dispatch: UseReducerDispatcher<Playground>) {
    let Some(list) = input.files() else { return };
    let picked: Vec<(String, web_sys::File)> = (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|f| {
            let path = if folder {
                // `app/src/x.js` for a folder `app`: the folder is the context.
                let rel = js_sys::Reflect::get(&f, &"webkitRelativePath".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                match rel.split_once('/') {
                    Some((_, inside)) => inside.to_string(),
                    None => f.name(),
                }
            } else {
                f.name()
            };
            (path, f)
        })
        .collect();
    // Picking the same files again must fire `change` again.
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move {
        match read_picked(picked, folder).await {
            Ok((files, dockerfile)) => dispatch.dispatch(Action::AddFiles {
                files,
                dockerfile,
                replace: folder,
            }),
            Err(e) => dispatch.dispatch(Action::Notice(Some(format!("nothing was added: {e}")))),
        }
    });
}

async fn read_picked(
    picked: Vec<(String, web_sys::File)>,
    folder: bool,
) -> Result<(Vec<File>, Option<String>), String> {
    let read = |f: web_sys::File| async move {
        links::read_bytes(&f)
            .await
            .map_err(|e| format!("{} could not be read: {e:?}", f.name()))
    };
    // A folder's own .dockerignore decides what is read at all: a
    // node_modules it ignores must not count against the caps.
    let mut ignore = Dockerignore::default();
    if folder && let Some((_, f)) = picked.iter().find(|(p, _)| p == ".dockerignore") {
        let text = read(f.clone()).await?;
        ignore = Dockerignore::parse(&String::from_utf8_lossy(&text)).map_err(|e| e.to_string())?;
    }
    let kept: Vec<(String, web_sys::File)> = picked
        .into_iter()
        .filter(|(p, _)| !folder || p == ".dockerignore" || !ignore.matches(p))
        .collect();
    if kept.len() > context::MAX_FILES + 1 {
        return Err(format!(
            "{} files; a context may have at most {}",
            kept.len(),
            context::MAX_FILES
        ));
    }
    for (p, _) in &kept {
        share::check_path(p).map_err(|e| e.to_string())?;
    }
    context::check_sizes(kept.iter().map(|(p, f)| (p.as_str(), f.size() as usize)))?;
    let mut files = Vec::with_capacity(kept.len());
    let mut dockerfile = None;
    for (path, f) in kept {
        let content = read(f).await?;
        if folder && path == "Dockerfile" {
            dockerfile = Some(String::from_utf8_lossy(&content).into_owned());
            continue;
        }
        files.push(File::new(path, content));
    }
    Ok((files, dockerfile))
}
