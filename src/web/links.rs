//! Where the playground lives outside the page: the URL fragment (share
//! links, and the browser's history), localStorage (the last state), and
//! files the user downloads or opens.

use crate::share::{self, Playground, ShareError};
use wasm_bindgen::{JsCast, JsValue};

/// Versioned: a later format gets a new key, and this one is left alone.
const STORAGE_KEY: &str = "layerlab.state.v1";
/// localStorage holds about 5 MB a site; the rest is the site's.
const MAX_STORED: usize = 4 << 20;

pub fn location_hash() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

/// The page's address without its fragment.
pub fn base_url() -> String {
    let href = gloo::utils::window().location().href().unwrap_or_default();
    match href.split_once('#') {
        Some((base, _)) => base.to_string(),
        None => href,
    }
}

/// The playground in a `#s=` fragment, if there is one.
pub fn from_fragment(hash: &str) -> Option<Result<Playground, ShareError>> {
    hash.starts_with("#s=").then(|| share::from_link(hash))
}

/// A link that opens again: its payload within what `decode` reads.
pub fn link_of(p: &Playground) -> Option<String> {
    let link = share::link(&base_url(), p);
    let payload = link.len() - link.find("#s=").map_or(0, |i| i + 3);
    (payload <= share::MAX_PAYLOAD).then_some(link)
}

fn history(url: &str, push: bool) {
    let Ok(h) = gloo::utils::window().history() else {
        return;
    };
    let r = if push {
        h.push_state_with_url(&JsValue::NULL, "", Some(url))
    } else {
        h.replace_state_with_url(&JsValue::NULL, "", Some(url))
    };
    if let Err(e) = r {
        web_sys::console::warn_2(&"layerlab: history".into(), &e);
    }
}

/// Before the playground is replaced: the current one goes into the current
/// history entry and the new one gets an entry, so Back brings the old one
/// back. A rule page's entry is left as it is.
pub fn remember(current: &Playground, next: &Playground) {
    let hash = location_hash();
    if (hash.is_empty() || hash.starts_with("#s="))
        && let Some(link) = link_of(current)
    {
        history(&link, false);
    }
    history(&link_of(next).unwrap_or_else(base_url), true);
}

/// Shows `link` in the address bar without a new history entry.
pub fn show_link(link: &str) {
    history(link, false);
}

/// Takes a `#s=` fragment that no longer matches the page out of the
/// address bar: a reload would otherwise bring back that older state.
pub fn forget_stale_fragment() {
    if location_hash().starts_with("#s=") {
        history(&base_url(), false);
    }
}

fn storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

/// Keeps `p` for the next visit: as a link payload (small), or as a state
/// file when too big for one, or not at all when too big for the storage.
pub fn save(p: &Playground) {
    let Some(s) = storage() else { return };
    let payload = share::encode(p);
    let text = if payload.len() <= share::MAX_PAYLOAD {
        payload
    } else {
        share::to_file_json(p)
    };
    let r = if text.len() <= MAX_STORED {
        s.set_item(STORAGE_KEY, &text)
    } else {
        s.remove_item(STORAGE_KEY)
    };
    if let Err(e) = r {
        web_sys::console::warn_2(&"layerlab: the playground was not saved".into(), &e);
    }
}

/// The playground saved by the last visit.
pub fn restore() -> Option<Result<Playground, ShareError>> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Some(if text.trim_start().starts_with('{') {
        share::from_file_json(&text)
    } else {
        share::decode(&text)
    })
}

/// Offers `text` as a download named `name`.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = gloo::utils::document()
        .create_element("a")?
        .dyn_into()
        .map_err(JsValue::from)?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

/// Copies `text` to the clipboard; `Err` when the browser will not.
pub async fn copy(text: &str) -> Result<(), JsValue> {
    let navigator = gloo::utils::window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())?;
    if clipboard.is_undefined() {
        return Err("no clipboard".into());
    }
    let write: js_sys::Function =
        js_sys::Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
    let promise: js_sys::Promise = write
        .call1(&clipboard, &JsValue::from_str(text))?
        .dyn_into()?;
    wasm_bindgen_futures::JsFuture::from(promise).await?;
    Ok(())
}

/// The bytes of a file the user picked.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, JsValue> {
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
