//! Store conformance suite: the same scenarios on SQLite and (with `LAMTHEO_TEST_DATABASE_URL`) on
//! PostgreSQL. Each scenario is an `async fn` over a fresh database; `on_every_backend!` declares one test
//! per backend (`<scenario>::sqlite`, `<scenario>::postgres`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
#[macro_use]
mod common;

mod accounts;
mod approval_chain;
mod attendance;
mod attendance_props;
mod audit;
mod calendar;
mod commendations;
mod concurrency;
mod criteria;
mod disciplines;
mod disclosure;
mod import;
mod inspections;
mod inspections_import;
mod members;
mod models;
mod portal;
mod positions;
mod ratings;
mod registration_reviews;
mod registrations;
mod report_figures;
mod reports;
mod scope;
mod search;
mod units;
