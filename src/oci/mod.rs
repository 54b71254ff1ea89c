//! OCI images as pure data: deterministic layer tars (buildah's bytes),
//! digests, image configs, manifests, indexes and the image layout. No I/O:
//! the same entries give the same bytes and digests on wasm32 and natively.

pub mod digest;
pub mod image;
mod json;
pub mod layout;
pub mod tar;

pub use digest::{Digest, chain_ids};
pub use json::to_go_json;
