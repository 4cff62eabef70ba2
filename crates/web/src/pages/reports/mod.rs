//! Period reports (báo cáo sơ kết, tổng kết): the live report of a unit and period computed now
//! (`live`), its Word and Excel files, the shared rendering of a report's figures (`figures`, with the
//! template partial `report_figures.html`) and its charts (`charts`). Readers: `can_read_report` on the
//! unit; the confidential sections come cut by the store for readers without `can_read_cases`.

pub(crate) mod figures;
mod live;
mod rounds;
mod stored;
mod stored_forms;

use crate::routes::PageRoutes;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/bao-cao", live::page)
        .get("/bao-cao/word", live::word)
        .get("/bao-cao/excel", live::excel)
        .get("/bao-cao/dot", rounds::list)
        .post("/bao-cao/dot", rounds::create)
        .get("/bao-cao/dot/{id}", rounds::show)
        .get("/bao-cao/ban", stored::list)
        .post("/bao-cao/ban", stored::create)
        .get("/bao-cao/ban/{id}", stored::show)
        .post("/bao-cao/ban/{id}", stored_forms::save)
        .post("/bao-cao/ban/{id}/gui", stored_forms::submit)
        .post("/bao-cao/ban/{id}/tra-lai", stored_forms::return_report)
        .post("/bao-cao/ban/{id}/chap-nhan", stored_forms::accept)
        .post("/bao-cao/ban/{id}/ban-hanh", stored_forms::issue)
        .get("/bao-cao/ban/{id}/word", stored::word)
        .get("/bao-cao/ban/{id}/excel", stored::excel)
}
