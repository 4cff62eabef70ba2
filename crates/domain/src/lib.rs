//! lamtheo's rules: pure types, validation, the access policy and Vietnamese text handling. No I/O.
#![forbid(unsafe_code)]

pub mod attendance;
pub mod bulletin;
pub mod calendar;
pub mod commendation;
pub mod criteria;
pub mod feedback;
pub mod import;
pub mod inspection;
pub mod limits;
pub mod member;
pub mod model;
pub mod models;
pub mod org;
pub mod password;
pub mod photo;
pub mod policy;
pub mod position;
pub mod quality;
pub mod rating;
pub mod registration;
pub mod report;
pub mod search;
pub mod similarity;
pub mod speech;
pub mod text;

pub use model::*;
