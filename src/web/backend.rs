//! The page's side of the build worker (`worker`): sends calls, routes the
//! answers back to whoever asked.
//!
//! The worker is started on the first call (or by [`Backend::warm`] once the
//! page is up) and its calls wait until it says it is listening. If it
//! stops (a crash, or its files could not load), every waiting call is
//! answered with [`Answer::Failed`] and the next call starts a new one, with
//! an empty store.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Event, MessageEvent, Worker};

use super::protocol::{Answer, Call, Envelope};

/// The worker's loader (`www/worker-loader.js`, copied by Trunk beside the
/// worker's glue and wasm: `index.html`).
const WORKER_SCRIPT: &str = "./worker-loader.js";

type OnAnswer = Box<dyn FnMut(Answer)>;

pub struct Backend {
    me: Weak<Backend>,
    next: Cell<u32>,
    /// Bumped whenever the store may have changed (a build, an image
    /// command, a pull, a restart), so views of it know to ask again.
    generation: Cell<u64>,
    running: RefCell<Option<Running>>,
    /// By call number, so that failures are told in the order of the calls.
    waiting: RefCell<BTreeMap<u32, Waiting>>,
    /// Workers stopped so far.
    stops: Cell<u32>,
}

struct Waiting {
    on: OnAnswer,
    changes_store: bool,
}

struct Running {
    worker: Worker,
    ready: bool,
    /// Calls written before the worker listened.
    queue: Vec<String>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("generation", &self.generation.get())
            .finish_non_exhaustive()
    }
}

impl Backend {
    pub fn new() -> Rc<Backend> {
        Rc::new_cyclic(|me| Backend {
            me: me.clone(),
            next: Cell::new(1),
            generation: Cell::new(0),
            running: RefCell::new(None),
            waiting: RefCell::new(BTreeMap::new()),
            stops: Cell::new(0),
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// Starts the worker ahead of the first call, so the first build does
    /// not wait for it to load.
    pub fn warm(&self) {
        let idle = self.running.borrow().is_none();
        if idle && let Err(e) = self.spawn() {
            self.fail_all(&e);
        }
    }

    /// Sends `call`; `on` gets its progress answers and then its final one.
    pub fn call(&self, call: Call, on: impl FnMut(Answer) + 'static) {
        let changes_store = match &call {
            Call::Build { .. } | Call::Pull { .. } => true,
            Call::Docker(d) => d.changes_store(),
            Call::Images { .. } | Call::Push { .. } | Call::RulePage { .. } => false,
        };
        let id = self.next.get();
        self.next.set(id + 1);
        let text = match serde_json::to_string(&Envelope { id, body: call }) {
            Ok(t) => t,
            Err(e) => {
                let mut on = on;
                on(Answer::Failed(format!(
                    "the call could not be written: {e}"
                )));
                return;
            }
        };
        self.waiting.borrow_mut().insert(
            id,
            Waiting {
                on: Box::new(on),
                changes_store,
            },
        );
        let idle = self.running.borrow().is_none();
        if idle && let Err(e) = self.spawn() {
            self.fail_all(&e);
            return;
        }
        let mut running = self.running.borrow_mut();
        let Some(r) = running.as_mut() else { return };
        if r.ready {
            if let Err(e) = r.worker.post_message(&JsValue::from_str(&text)) {
                drop(running);
                self.stop(&js_text(&e));
            }
        } else {
            r.queue.push(text);
        }
    }

    fn spawn(&self) -> Result<(), String> {
        let worker = Worker::new(WORKER_SCRIPT).map_err(|e| js_text(&e))?;
        let on_message = {
            let me = self.me.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                if let Some(me) = me.upgrade() {
                    me.received(e.data().as_string().unwrap_or_default());
                }
            })
        };
        let on_error = {
            let me = self.me.clone();
            // An ErrorEvent when the worker threw; a plain Event when its
            // script could not be loaded.
            Closure::<dyn FnMut(Event)>::new(move |e: Event| {
                e.prevent_default();
                if let Some(me) = me.upgrade() {
                    let message = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                        .ok()
                        .and_then(|m| m.as_string())
                        .filter(|m| !m.is_empty());
                    me.stop(
                        message
                            .as_deref()
                            .unwrap_or("its script could not be loaded"),
                    );
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.running.borrow_mut() = Some(Running {
            worker,
            ready: false,
            queue: Vec::new(),
            _on_message: on_message,
            _on_error: on_error,
        });
        Ok(())
    }

    fn received(&self, text: String) {
        let envelope: Envelope<Answer> = match serde_json::from_str(&text) {
            Ok(e) => e,
            Err(e) => {
                self.stop(&format!("its answer could not be read: {e}"));
                return;
            }
        };
        // The loader's word that the worker's module did not start.
        if let (0, Answer::Failed(why)) = (envelope.id, &envelope.body) {
            self.stop(why);
            return;
        }
        if let Answer::Ready = envelope.body {
            let mut running = self.running.borrow_mut();
            if let Some(r) = running.as_mut() {
                r.ready = true;
                for text in std::mem::take(&mut r.queue) {
                    let _ = r.worker.post_message(&JsValue::from_str(&text));
                }
            }
            return;
        }
        let progress = envelope.body.is_progress();
        // Taken out while it runs: it may well make another call.
        let Some(mut waiting) = self.waiting.borrow_mut().remove(&envelope.id) else {
            return;
        };
        if !progress && waiting.changes_store {
            self.generation.set(self.generation.get() + 1);
        }
        let stops = self.stops.get();
        (waiting.on)(envelope.body);
        // Kept for the answers to come, unless the worker stopped meanwhile
        // (its calls have all been failed).
        if progress && self.stops.get() == stops {
            self.waiting.borrow_mut().insert(envelope.id, waiting);
        }
    }

    /// The worker is gone: its calls fail, and its store with it.
    fn stop(&self, why: &str) {
        // Dropped outside the borrow: terminating runs no callback, but
        // the answers below may call again.
        let old = self.running.borrow_mut().take();
        drop(old);
        self.stops.set(self.stops.get() + 1);
        self.generation.set(self.generation.get() + 1);
        self.fail_all(&format!(
            "the build worker stopped ({why}); the next build starts a new one, with an empty image store"
        ));
    }

    fn fail_all(&self, message: &str) {
        let waiting: Vec<Waiting> = std::mem::take(&mut *self.waiting.borrow_mut())
            .into_values()
            .collect();
        for mut w in waiting {
            (w.on)(Answer::Failed(message.to_string()));
        }
    }
}

fn js_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| v.dyn_ref::<js_sys::Error>().map(|e| e.message().into()))
        .unwrap_or_else(|| format!("{v:?}"))
}
