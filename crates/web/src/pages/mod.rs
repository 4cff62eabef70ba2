//! Server-rendered staff pages, one folder or file per capability. Each handler takes `WebUser` (the login
//! wall), asks the store for data already filtered by the user's scope, renders an askama template and
//! returns `respond::PageResult`; every state-changing form goes through `extract::CsrfForm` or
//! `extract::CsrfMultipart`, and every route is declared through `routes::PageRoutes` so tests can list it.

mod accounts;
mod attendance;
mod audit;
mod audit_labels;
mod bulletin;
pub(crate) mod commendations;
mod criteria;
mod feedback;
mod home;
mod import;
mod inspections;
mod login;
mod members;
mod models;
mod registrations;
pub(crate) mod reports;
mod units;

use crate::routes::{Guard, PageRoutes};
use axum::http::StatusCode;
use axum::response::Response;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .merge(members::routes())
        .get("/", home::dashboard)
        .get("/dang-nhap", login::form)
        .post_guarded("/dang-nhap", Guard::PreLogin, login::submit)
        .post("/dang-xuat", login::logout)
        .get("/doi-mat-khau", login::password_form)
        .post("/doi-mat-khau", login::password_submit)
        .get("/don-vi/{id}", units::show)
        .post("/don-vi/{id}/sua", units::edit)
        .post("/don-vi/{id}/them", units::add_child)
        .post("/don-vi/{id}/chuyen", units::move_to)
        .post("/don-vi/{id}/giai-the", units::close)
        .get("/nhap-du-lieu", import::show)
        .post("/nhap-du-lieu", import::upload)
        .post("/nhap-du-lieu/{id}/thu-lai", import::retry)
        .get("/nhap-du-lieu/{id}/tep", import::download)
        .get("/nhap-du-lieu/mau/{kind}", import::template)
        .merge(accounts::routes())
        .get("/nhat-ky", audit::list)
        .get("/nhat-ky.xlsx", audit::export)
        .get("/ban-tin/{code}", bulletin::show)
        .get("/ban-tin/{code}/{file}", bulletin::file)
        .get("/phan-anh", feedback::queue)
        .get("/phan-anh/{id}", feedback::show)
        .post("/phan-anh/{id}/kiem-duyet", feedback::moderate)
        .post("/phan-anh/{id}/tra-loi", feedback::answer)
        .merge(attendance::routes())
        .merge(registrations::routes())
        .merge(models::routes())
        .merge(inspections::routes())
        .merge(criteria::routes())
        .merge(commendations::routes())
        .merge(reports::routes())
}

pub async fn not_found_fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::problem(StatusCode::NOT_FOUND, "Không có đường dẫn API này", &[]);
    }
    crate::respond::not_found(None)
}
