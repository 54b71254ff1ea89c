//! The OCI distribution side: image references now; the push/pull protocol
//! (sans-IO) comes with the registry work.

pub mod reference;
