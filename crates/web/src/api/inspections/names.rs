//! The names of the domain's enums as the API sends and reads them (documentation only: the handlers parse
//! strings), and the lists of accepted identifiers quoted in 422 messages. Shared with `disciplines.rs`.

use serde::Serialize;
use utoipa::ToSchema;

/// The kind of a case.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CaseKindName {
    /// Giám sát thường xuyên.
    RegularSupervision,
    /// Giám sát chuyên đề.
    ThematicSupervision,
    /// Kiểm tra.
    Inspection,
    /// Kiểm tra khi có dấu hiệu vi phạm.
    ViolationInspection,
    /// Kiểm tra tài chính đảng.
    FinanceInspection,
    /// Giải quyết tố cáo.
    Denunciation,
    /// Giải quyết khiếu nại kỷ luật.
    DisciplineAppeal,
}

/// Who conducts a case or decides a discipline.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum InspectionBodyName {
    /// Cấp ủy.
    Committee,
    /// Ủy ban kiểm tra.
    Commission,
}

/// The finding about one subject.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum FindingName {
    /// Không vi phạm.
    NoViolation,
    /// Có ưu điểm, khuyết điểm.
    Shortcomings,
    /// Có vi phạm.
    Violation,
}

/// A form of discipline.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DisciplineFormName {
    /// Khiển trách.
    Reprimand,
    /// Cảnh cáo.
    Warning,
    /// Cách chức (đảng viên).
    Dismissal,
    /// Khai trừ (đảng viên chính thức).
    Expulsion,
    /// Giải tán (tổ chức đảng).
    Dissolution,
}

/// Where a remedy stands today.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RemedyStateName {
    /// Còn hạn.
    Open,
    /// Đã khắc phục.
    Done,
    /// Quá hạn.
    Overdue,
}

/// Whom a subject or discipline decision is about.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum InspectionSubjectType {
    /// Tổ chức đảng.
    Unit,
    /// Đảng viên.
    Member,
}

pub(crate) const KINDS: &str = "regular_supervision, thematic_supervision, inspection, violation_inspection, finance_inspection, denunciation, discipline_appeal";
pub(crate) const BODIES: &str = "committee, commission";
pub(crate) const FINDINGS: &str = "no_violation, shortcomings, violation";
pub(crate) const FORMS: &str = "reprimand, warning, dismissal, expulsion, dissolution";
