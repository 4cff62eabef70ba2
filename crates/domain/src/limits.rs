//! The longest text a person may type into each field, declared once and counted in characters (not
//! bytes). Validators, the store's write functions, the import row parsers and the forms' `maxlength`
//! attributes all read these numbers, so a 5 MB name cannot reach a list, an export or the audit log
//! (OWASP ASVS V5.1.3–V5.1.4: input length checked on the server against a positive allow-list).

use std::fmt;

/// A person's full name (member, feedback sender).
pub const PERSON_NAME: usize = 100;
/// A unit's name ("Chi bộ Khu phố 1, Phường 7").
pub const UNIT_NAME: usize = 200;
/// A unit's code ("P7-KP1").
pub const UNIT_CODE: usize = 50;
/// One position title ("Bí thư Chi bộ").
pub const POSITION_TITLE: usize = 200;
/// The duties attached to one position.
pub const DUTIES: usize = 1000;
/// Positions one member may hold.
pub const MAX_POSITIONS: usize = 10;
/// A document's number or code ("43-KH/TU", "05-CT/TW").
pub const DOCUMENT_NUMBER: usize = 50;
/// A title: of a directive, plan, theme, registration manifestation.
pub const TITLE: usize = 300;
/// A theme's or directive's descriptive text.
pub const DESCRIPTION: usize = 5000;
/// A plan's scope ("Từ cán bộ chủ chốt thành phố đến cơ sở").
pub const PLAN_SCOPE: usize = 500;
/// A monthly cell-meeting topic.
pub const TOPIC: usize = 500;
/// A study session's or cell meeting's title.
pub const SESSION_TITLE: usize = 500;
/// A place ("Hội trường Đảng ủy phường").
pub const PLACE: usize = 200;
/// Meeting minutes (a summary; the signed minutes are attached as a document).
pub const MINUTES: usize = 20_000;
/// A registration item's content.
pub const ITEM_CONTENT: usize = 2000;
/// The duty a registration item is tied to.
pub const ITEM_DUTY: usize = 500;
/// A registration item's target ("15 hộ, 800 mét").
pub const ITEM_TARGET: usize = 500;
/// A registration item's evidence.
pub const ITEM_EVIDENCE: usize = 2000;
/// A review or assessment note on an item.
pub const REVIEW_NOTE: usize = 2000;
/// A comment on a registration.
pub const COMMENT: usize = 2000;
/// A reason (for a rating other than the suggested one, for returning a registration).
pub const REASON: usize = 1000;
/// A model's name.
pub const MODEL_NAME: usize = 300;
/// A model's description.
pub const MODEL_DESCRIPTION: usize = 5000;
/// A model's participants ("Hội viên Cựu chiến binh và 120 hộ dân").
pub const MODEL_PARTICIPANTS: usize = 300;
/// A model result's indicator.
pub const INDICATOR: usize = 200;
/// A model result's unit of measure ("hộ", "mét", "triệu đồng").
pub const MEASURE_UNIT: usize = 50;
/// A note on a model result or adoption, a photo caption.
pub const MODEL_NOTE: usize = 1000;
/// A field of a period report's header (issuer, number, subject, signer, one recipient line).
pub const REPORT_HEADER: usize = 300;
/// Lines of a period report's "Nơi nhận", and the box that holds them (every line at its limit, with breaks).
pub const REPORT_RECIPIENT_LINES: usize = 30;
pub const REPORT_RECIPIENTS: usize = REPORT_RECIPIENT_LINES * (REPORT_HEADER + 1);
/// One narrative section of a period report (kết quả, ưu điểm, hạn chế, nguyên nhân, phương hướng).
pub const REPORT_NARRATIVE: usize = 20_000;
/// A citizen's feedback.
pub const FEEDBACK_CONTENT: usize = 2000;
/// A citizen's contact (phone or e-mail).
pub const CONTACT: usize = 200;
/// A unit's public answer to feedback, or its reason for hiding one.
pub const ANSWER: usize = 4000;
/// An account's user name (ASCII: lower-case letters, digits, ".", "_", "-").
pub const USERNAME: usize = 40;
/// An account's display name.
pub const DISPLAY_NAME: usize = 100;
/// A search query.
pub const SEARCH_QUERY: usize = 200;
/// An uploaded file's name.
pub const FILE_NAME: usize = 255;

/// A field someone types into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    PersonName,
    UnitName,
    UnitCode,
    PositionTitle,
    Duties,
    DocumentNumber,
    Title,
    Description,
    PlanScope,
    Topic,
    SessionTitle,
    Place,
    Minutes,
    ItemContent,
    ItemDuty,
    ItemTarget,
    ItemEvidence,
    ReviewNote,
    Comment,
    Reason,
    ModelName,
    ModelDescription,
    ModelParticipants,
    Indicator,
    MeasureUnit,
    ModelNote,
    FeedbackContent,
    Contact,
    Answer,
    Username,
    DisplayName,
    SearchQuery,
    FileName,
}

impl Field {
    pub const ALL: [Field; 33] = [
        Field::PersonName,
        Field::UnitName,
        Field::UnitCode,
        Field::PositionTitle,
        Field::Duties,
        Field::DocumentNumber,
        Field::Title,
        Field::Description,
        Field::PlanScope,
        Field::Topic,
        Field::SessionTitle,
        Field::Place,
        Field::Minutes,
        Field::ItemContent,
        Field::ItemDuty,
        Field::ItemTarget,
        Field::ItemEvidence,
        Field::ReviewNote,
        Field::Comment,
        Field::Reason,
        Field::ModelName,
        Field::ModelDescription,
        Field::ModelParticipants,
        Field::Indicator,
        Field::MeasureUnit,
        Field::ModelNote,
        Field::FeedbackContent,
        Field::Contact,
        Field::Answer,
        Field::Username,
        Field::DisplayName,
        Field::SearchQuery,
        Field::FileName,
    ];

    /// The longest value, in characters.
    pub const fn max(self) -> usize {
        match self {
            Field::PersonName => PERSON_NAME,
            Field::UnitName => UNIT_NAME,
            Field::UnitCode => UNIT_CODE,
            Field::PositionTitle => POSITION_TITLE,
            Field::Duties => DUTIES,
            Field::DocumentNumber => DOCUMENT_NUMBER,
            Field::Title => TITLE,
            Field::Description => DESCRIPTION,
            Field::PlanScope => PLAN_SCOPE,
            Field::Topic => TOPIC,
            Field::SessionTitle => SESSION_TITLE,
            Field::Place => PLACE,
            Field::Minutes => MINUTES,
            Field::ItemContent => ITEM_CONTENT,
            Field::ItemDuty => ITEM_DUTY,
            Field::ItemTarget => ITEM_TARGET,
            Field::ItemEvidence => ITEM_EVIDENCE,
            Field::ReviewNote => REVIEW_NOTE,
            Field::Comment => COMMENT,
            Field::Reason => REASON,
            Field::ModelName => MODEL_NAME,
            Field::ModelDescription => MODEL_DESCRIPTION,
            Field::ModelParticipants => MODEL_PARTICIPANTS,
            Field::Indicator => INDICATOR,
            Field::MeasureUnit => MEASURE_UNIT,
            Field::ModelNote => MODEL_NOTE,
            Field::FeedbackContent => FEEDBACK_CONTENT,
            Field::Contact => CONTACT,
            Field::Answer => ANSWER,
            Field::Username => USERNAME,
            Field::DisplayName => DISPLAY_NAME,
            Field::SearchQuery => SEARCH_QUERY,
            Field::FileName => FILE_NAME,
        }
    }

    /// The field's name as a person reads it, starting a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Field::PersonName => "Họ và tên",
            Field::UnitName => "Tên đơn vị",
            Field::UnitCode => "Mã đơn vị",
            Field::PositionTitle => "Tên chức vụ",
            Field::Duties => "Chức trách",
            Field::DocumentNumber => "Số hiệu văn bản",
            Field::Title => "Tiêu đề",
            Field::Description => "Nội dung",
            Field::PlanScope => "Phạm vi",
            Field::Topic => "Chủ đề sinh hoạt",
            Field::SessionTitle => "Tên / chủ đề buổi sinh hoạt",
            Field::Place => "Địa điểm",
            Field::Minutes => "Biên bản",
            Field::ItemContent => "Nội dung đăng ký",
            Field::ItemDuty => "Chức trách gắn với nội dung",
            Field::ItemTarget => "Chỉ tiêu",
            Field::ItemEvidence => "Minh chứng",
            Field::ReviewNote => "Ghi chú",
            Field::Comment => "Góp ý",
            Field::Reason => "Lý do",
            Field::ModelName => "Tên mô hình",
            Field::ModelDescription => "Mô tả",
            Field::ModelParticipants => "Thành phần tham gia",
            Field::Indicator => "Chỉ tiêu",
            Field::MeasureUnit => "Đơn vị tính",
            Field::ModelNote => "Ghi chú",
            Field::FeedbackContent => "Nội dung phản ánh",
            Field::Contact => "Thông tin liên hệ",
            Field::Answer => "Nội dung trả lời",
            Field::Username => "Tên đăng nhập",
            Field::DisplayName => "Họ tên người dùng",
            Field::SearchQuery => "Từ khóa tìm kiếm",
            Field::FileName => "Tên tệp",
        }
    }
}

/// A value longer than its field allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthError {
    pub field: Field,
    /// The value's length, in characters.
    pub len: usize,
}

impl LengthError {
    pub fn max(&self) -> usize {
        self.field.max()
    }
}

impl fmt::Display for LengthError {
    /// "Họ và tên quá dài (tối đa 100 ký tự)"; long limits grouped as Vietnamese write them (20.000).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} quá dài (tối đa {} ký tự)",
            self.field.label(),
            crate::text::format_int(self.field.max() as i64)
        )
    }
}

impl std::error::Error for LengthError {}

/// Refuses a value longer than `field` allows. Counts characters, and stops counting one past the
/// limit, so checking a 5 MB value costs no more than checking a short one.
pub fn check(field: Field, value: &str) -> Result<(), LengthError> {
    let max = field.max();
    if value.chars().nth(max).is_some() {
        Err(LengthError {
            field,
            len: value.chars().count(),
        })
    } else {
        Ok(())
    }
}

/// The message of [`check`] (for callers that collect strings).
pub fn message(field: Field, value: &str) -> Option<String> {
    check(field, value).err().map(|e| e.to_string())
}

/// The first `field.max()` characters of `value`: for input that is read rather than stored (a search
/// query) or echoed back, where cutting is kinder than refusing.
pub fn clip(field: Field, value: &str) -> &str {
    match value.char_indices().nth(field.max()) {
        Some((at, _)) => &value[..at],
        None => value,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        // 100 Vietnamese letters with diacritics are 100 characters (and far more bytes).
        let name = "Đ".repeat(PERSON_NAME);
        assert!(name.len() > PERSON_NAME);
        assert_eq!(check(Field::PersonName, &name), Ok(()));
        let longer = format!("{name}ư");
        let e = check(Field::PersonName, &longer).unwrap_err();
        assert_eq!(e.len, PERSON_NAME + 1);
        assert_eq!(e.to_string(), "Họ và tên quá dài (tối đa 100 ký tự)");
        assert_eq!(
            check(Field::Minutes, &"a".repeat(MINUTES + 1))
                .unwrap_err()
                .to_string(),
            "Biên bản quá dài (tối đa 20.000 ký tự)"
        );
        assert_eq!(message(Field::Place, "Hội trường"), None);
    }

    #[test]
    fn clip_keeps_whole_characters() {
        let q = "ệ".repeat(SEARCH_QUERY + 5);
        let c = clip(Field::SearchQuery, &q);
        assert_eq!(c.chars().count(), SEARCH_QUERY);
        assert_eq!(clip(Field::SearchQuery, "an"), "an");
    }

    #[test]
    fn every_field_is_listed_with_a_sane_limit() {
        let mut seen = std::collections::HashSet::new();
        for f in Field::ALL {
            assert!(seen.insert(f), "{f:?} listed twice");
            assert!((10..=MINUTES).contains(&f.max()), "{f:?}");
            assert!(!f.label().is_empty());
        }
        // Shared with the feedback and model rules, not typed twice.
        assert_eq!(crate::feedback::MAX_CONTENT_CHARS, FEEDBACK_CONTENT);
        assert_eq!(MODEL_NAME, crate::models::MAX_NAME);
    }
}
