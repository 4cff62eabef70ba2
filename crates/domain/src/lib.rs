//! lamtheo's rules: pure types, validation, the access policy and Vietnamese text handling. No I/O.
#![forbid(unsafe_code)]

pub mod attendance;
pub mod model;
pub mod policy;
pub mod text;

pub use model::*;
