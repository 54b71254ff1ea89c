//! Helpers shared by integration tests that include them with `mod common;`.
#![allow(dead_code)]

pub mod registry;
