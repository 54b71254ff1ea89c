//! layerlab's core: everything both faces share. Pure: no I/O, no clock, no
//! randomness, no threads, so it gives the same results on wasm32 and natively.

pub mod build;
pub mod dockerfile;
pub mod lint;
pub mod oci;
pub mod packages;
pub mod registry;
pub mod share;
pub mod shell;
pub mod vfs;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod web;
