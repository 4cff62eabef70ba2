//! API for criteria sets (bộ tiêu chí), the dated assessments of units against them, where a unit stands on
//! a day, the rollup over a subtree, recognition decisions (công nhận đạt chuẩn) and their withdrawal, and
//! classifications of units (e.g. đô thị loại II); docs/DOMAIN.md § Criteria sets and classifications. What
//! the records mean on a day is `domain::criteria`, applied by the store: its refusals are 422 with their
//! Vietnamese messages, a unit outside the caller's scope 404, a role without the capability 403.

use super::fields::{require, unit_param, Faults};
use super::models::UnitRef;
use super::units::UnitTypeName;
use super::{r, ApiJson, ApiRoute, Items};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::NaiveDate;
use domain::criteria::CriterionState;
use domain::policy::{Capability, Principal};
use domain::Role;
use serde::{Deserialize, Serialize};
use store::{
    AppliesTo, Assessment, AssessmentInput, Classification, ClassificationInput, CriteriaSet,
    CriteriaSetInput, CriteriaStatus, Criterion, MarkInput, RecognitionInput, RecognitionRecord,
    Rollup, WithdrawalInput,
};
use utoipa::{IntoParams, ToSchema};

mod assessments;
mod classifications;
mod recognitions;
mod sets;

use assessments::*;
use classifications::*;
use recognitions::*;
use sets::*;

/// Most criteria one set holds, and most units one set lists.
const MAX_ITEMS: usize = 500;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/criteria/sets", "criteria", "Các bộ tiêu chí (theo mã); mỗi bộ có code, title, version, applies_to, items là danh sách tiêu chí (cùng dạng như khi gửi lên) và item_count là số tiêu chí", get(sets))
            .json::<Items<CriteriaSetOut>>(),
        r("post", "/criteria/sets", "criteria", "Thêm bộ tiêu chí (201) hoặc thay bộ cùng mã (200): tên, phiên bản, phạm vi áp dụng (loại đơn vị hoặc danh sách đơn vị), các tiêu chí; tiêu chí đã được đánh giá không bỏ được", post(save_set))
            .body::<CriteriaSetBody>()
            .created::<CriteriaSetOut>()
            .json::<CriteriaSetOut>(),
        r("get", "/criteria/sets/{code}", "criteria", "Một bộ tiêu chí với danh sách tiêu chí", get(set))
            .json::<CriteriaSetOut>(),
        r("put", "/criteria/assessments", "criteria", "Ghi kết quả đánh giá một đơn vị theo bộ tiêu chí vào một ngày; chỉ các tiêu chí được nêu thay đổi, tiêu chí khác giữ kết quả trước", put(assess))
            .body::<AssessmentBody>()
            .json::<AssessmentOut>(),
        r("get", "/criteria/assessments", "criteria", "Lịch sử đánh giá một đơn vị theo bộ tiêu chí (mới trước)", get(assessments))
            .query::<SetUnitQuery>()
            .json::<Items<AssessmentOut>>(),
        r("get", "/criteria/status", "criteria", "Một đơn vị theo bộ tiêu chí vào một ngày: số tiêu chí đạt, đạt một phần, chưa đạt, chưa đánh giá; đã được công nhận đạt chuẩn chưa và quyết định công nhận", get(status))
            .query::<StatusQuery>()
            .json::<CriteriaStatusOut>(),
        r("get", "/criteria/rollup", "criteria", "Tổng hợp bộ tiêu chí trên các đơn vị trực thuộc mà bộ áp dụng (đang hoạt động vào ngày đó): số đơn vị, số đã được công nhận, số đạt đủ tiêu chí", get(rollup))
            .query::<StatusQuery>()
            .json::<RollupOut>(),
        r("post", "/criteria/recognitions", "criteria", "Ghi quyết định công nhận đạt chuẩn; chỉ ghi được khi mọi tiêu chí đạt vào ngày quyết định", post(recognise))
            .body::<RecognitionBody>()
            .created::<RecognitionOut>(),
        r("get", "/criteria/recognitions", "criteria", "Các quyết định công nhận đạt chuẩn của một đơn vị (theo một bộ hoặc mọi bộ), mới trước", get(recognitions))
            .query::<RecognitionQuery>()
            .json::<Items<RecognitionOut>>(),
        r("post", "/criteria/recognitions/{id}/withdrawal", "criteria", "Thu hồi quyết định công nhận đạt chuẩn từ một ngày (không trước ngày công nhận)", post(withdraw))
            .body::<WithdrawalBody>()
            .json::<RecognitionOut>(),
        r("post", "/classifications", "criteria", "Ghi quyết định xếp loại, công nhận một đơn vị (ví dụ \"Đô thị loại II\") từ một ngày", post(classify))
            .body::<ClassificationBody>()
            .created::<ClassificationOut>(),
        r("get", "/classifications", "criteria", "Các quyết định xếp loại của một đơn vị (hoặc mọi đơn vị trong phạm vi), mới trước", get(classifications))
            .query::<UnitQuery>()
            .json::<Items<ClassificationOut>>(),
    ]
}

// ---- shared by the handlers

fn opt_text(v: Option<String>) -> String {
    v.unwrap_or_default().trim().to_string()
}

/// The required `set` parameter.
fn set_param(set: Option<String>) -> Result<String, ApiError> {
    let mut f = Faults::default();
    let code = f.text("set", set);
    f.done()?;
    Ok(code)
}

/// The code of the `unit` parameter, or of the caller's own unit.
async fn unit_code(st: &AppState, p: &Principal, unit: Option<&str>) -> Result<String, ApiError> {
    Ok(match unit_param(st, p, unit).await? {
        Some(u) => u.code,
        None => st.db.units().unit(p, p.unit_id).await?.code,
    })
}
