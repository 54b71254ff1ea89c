//! The build engine's inputs: the build context's `.dockerignore` now; stages,
//! cache keys and base images come with the build work.

pub mod catalog;
pub mod copy;
pub mod dockerignore;
