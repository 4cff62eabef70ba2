//! Quality checks of one commitment item of a registration ("bản đăng ký học tập và làm theo tư
//! tưởng, đạo đức, phong cách Hồ Chí Minh"), explained to the writer (docs/DOMAIN.md § Quality checks).
//!
//! The criticism the city committee reported is that registrations are "chưa cụ thể, chưa gắn với chức trách, nhiệm vụ,
//! kết quả chưa rõ". Each rule below names one of those shortcomings; each flag comes with a
//! Vietnamese note that quotes what was found and says what to add.
//!
//! Content and duty are compared **folded** ([`fold`]: lower case, no diacritics, "đ" → "d"), so an
//! item typed without diacritics is judged exactly like the same item typed with them. A "word" is a
//! syllable as Vietnamese writes it (a run of letters and digits between spaces or punctuation).
//!
//! # Rules
//!
//! **`no_target` — "Chưa có chỉ tiêu".** The target is empty, or [`parse_target`] finds in it
//! neither a *quantity* nor a *deliverable*.
//! - A *quantity* is a number followed by a unit ("15 hộ", "800 mét", "02 lớp", "3 buổi/tháng",
//!   "1.500.000 đồng", "1,5 tỷ đồng", "12/12 buổi") or a percentage ("100%", "100% đơn thư").
//!   - Numbers are written the Vietnamese way: "." groups thousands and "," is the decimal mark
//!     ("1.500.000", "1,5", "1.234,5"); a single "." not followed by exactly three digits is read as
//!     a decimal mark ("1.5"), as everywhere in lamtheo (`text::parse_decimal`). Number words count
//!     too — một … chín, mười, "mười hai", "hai mươi lăm", "ba trăm" — when written with their diacritics ("ba" is three, "bà" is not), and a
//!     number repeated in brackets is read once ("một (01) sáng kiến" is 1).
//!   - The unit is the word(s) right after the number: a known unit of several words when one
//!     matches ("đơn thư", "hộ dân", "tỷ đồng", "lượt người", "báo cáo chuyên đề" …), otherwise
//!     one word; a rate is kept whole ("buổi/tháng"). After "%" the unit is the words that follow
//!     ("100% đơn thư" → "đơn thư"), or "%" itself.
//!   - Not quantities: a number with no unit ("15"), a date ("30/9/2019"), and a number that names
//!     rather than counts — after "năm", "tháng", "ngày", "quý", "hẻm", "tổ", "ấp", "khu phố",
//!     "số", "lớp", "thứ" … ("năm 2019", "hẻm 3", "lớp 9") or after "/" ("Quý III/2019"). "năm"
//!     is not five in "trong năm", "hằng năm" …, and right after a number it is the unit "years"
//!     ("5 năm"); "một" is not one in "một số", "một cách" …. Of "12/12 buổi" the first number
//!     counts. The first quantity in the text is the one taken.
//! - A *deliverable* is a phrase that, after leading verbs, numbers and quotes ("hoàn thành",
//!   "xây dựng", "viết", "01" …), starts with a document or product word of
//!   [`DELIVERABLE_WORDS`] ("báo cáo", "đề án", "sáng kiến", "mô hình", "kế hoạch", "sổ", "bản",
//!   "chuyên đề", "công trình", "tuyến đường" …): "Báo cáo chuyên đề", "Sổ tay theo dõi",
//!   "hoàn thành 01 mô hình", "mô hình 'Dân vận khéo'".
//!
//! **`no_deadline` — "Chưa có thời hạn".** No deadline, or a deadline outside the registration year:
//! after 31/12 of the year, or before 01/01 of it.
//!
//! **`vague` — "Chung chung".** The content is made only of generic phrases, with no object and no
//! number. Flagged when all four hold:
//! 1. the content contains a phrase of [`VAGUE_PHRASES`] ("chấp hành tốt", "thực hiện nghiêm",
//!    "nâng cao ý thức" …);
//! 2. the target holds no quantity and no deliverable (as for `no_target`);
//! 3. the content has no digit;
//! 4. once the phrases of [`VAGUE_PHRASES`] and [`GENERIC_PHRASES`] ("chủ trương của Đảng",
//!    "quy định", "nhiệm vụ được giao", "phong trào thi đua" …) and the function words of
//!    [`STOP_WORDS`] are taken out, fewer than [`MIN_MEANINGFUL_SYLLABLES`] (4) syllables of two
//!    or more letters are left — about two Vietnamese words.
//!
//! An empty content is flagged too. An item that uses a generic phrase but names an object or a
//! number passes: "Thực hiện tốt việc tiếp công dân" with target "3 buổi/tháng".
//!
//! **`not_tied_to_duty` — "Chưa gắn với chức trách".** The duty is empty, or matches neither one of
//! the member's own duties ([`DutyContext::duties`]: their positions' "chức trách" and titles) nor
//! one of the fields ([`DutyContext::fields`], normally [`FIELDS`]). Two texts match, folded, when
//! - they are equal; or
//! - one contains the other word for word, the contained one naming more than generic words
//!   ("công tác", "nhiệm vụ", "chức trách", "phụ trách", "lĩnh vực" …); or
//! - at least half of the meaningful words (generic words and function words taken out) of the
//!   shorter one appear in the other.
//!
//! **`copied` — "Trùng lặp"** is decided across registrations elsewhere; [`check_item`] never
//! returns it.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use unicode_normalization::char::is_combining_mark;

use crate::text::{fold, format_date, normalize};

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

/// One quality shortcoming of a commitment item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Vague,
    NotTiedToDuty,
    NoTarget,
    NoDeadline,
    Copied,
}

impl Flag {
    pub const ALL: [Flag; 5] = [
        Flag::Vague,
        Flag::NotTiedToDuty,
        Flag::NoTarget,
        Flag::NoDeadline,
        Flag::Copied,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Vague => "vague",
            Flag::NotTiedToDuty => "not_tied_to_duty",
            Flag::NoTarget => "no_target",
            Flag::NoDeadline => "no_deadline",
            Flag::Copied => "copied",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Short Vietnamese label for badges and report columns.
    pub fn label(self) -> &'static str {
        match self {
            Flag::Vague => "Chung chung",
            Flag::NotTiedToDuty => "Chưa gắn với chức trách",
            Flag::NoTarget => "Chưa có chỉ tiêu",
            Flag::NoDeadline => "Chưa có thời hạn",
            Flag::Copied => "Trùng lặp",
        }
    }
}

/// A flag with the Vietnamese explanation shown to the writer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagNote {
    pub flag: Flag,
    /// Concrete: quotes the phrase found and says what to add.
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------

/// The field list offered beside the member's own duties (and the only list when a member has no
/// listed duties).
pub const FIELDS: &[&str] = &[
    "Công tác chuyên môn",
    "Công tác Đảng",
    "Công tác dân vận",
    "Công tác đoàn thể",
    "Công tác tuyên truyền, giáo dục",
    "Học tập lý luận chính trị",
    "Học tập nâng cao trình độ chuyên môn, nghiệp vụ",
    "Tu dưỡng, rèn luyện đạo đức, lối sống",
    "Sinh hoạt chi bộ",
    "Gia đình và nơi cư trú",
    "Cải cách hành chính",
    "Phòng, chống tham nhũng, lãng phí",
    "Trách nhiệm nêu gương",
    "Quốc phòng, an ninh, trật tự an toàn xã hội",
    "Xây dựng nông thôn mới, đô thị văn minh",
];

/// Generic phrases that, with nothing concrete beside them, make an item vague. Folded at use, so
/// writing them with or without diacritics is the same; punctuation inside is ignored.
pub const VAGUE_PHRASES: &[&str] = &[
    "chấp hành tốt",
    "chấp hành nghiêm",
    "chấp hành nghiêm túc",
    "thực hiện nghiêm",
    "thực hiện nghiêm túc",
    "thực hiện tốt",
    "làm tốt",
    "hoàn thành tốt",
    "hoàn thành tốt nhiệm vụ",
    "hoàn thành nhiệm vụ được giao",
    "nâng cao ý thức",
    "nâng cao nhận thức",
    "nâng cao chất lượng",
    "nâng cao hiệu quả",
    "nâng cao trình độ",
    "nâng cao tinh thần trách nhiệm",
    "tích cực",
    "luôn luôn",
    "không ngừng",
    "phấn đấu",
    "gương mẫu",
    "rèn luyện đạo đức",
    "tu dưỡng, rèn luyện",
    "giữ gìn phẩm chất",
    "giữ vững phẩm chất",
    "học tập và làm theo",
    "đúng quy định",
    "theo quy định",
    "có trách nhiệm",
    "hết lòng",
    "tận tụy",
    "nghiêm túc",
    "đầy đủ",
    "kịp thời",
    "thường xuyên",
    "trung thực",
    "đoàn kết",
    "tăng cường",
    "đẩy mạnh",
    "chú trọng",
    "quan tâm",
    "nêu cao",
    "tự phê bình và phê bình",
    "cần, kiệm, liêm, chính, chí công vô tư",
    "chống chủ nghĩa cá nhân",
    "nói đi đôi với làm",
    "lối sống lành mạnh",
    "sâu sát",
];

/// Generic objects and boilerplate that name no concrete work; taken out with [`VAGUE_PHRASES`]
/// before the meaningful words of a content are counted (they do not trigger `vague` alone).
pub const GENERIC_PHRASES: &[&str] = &[
    "chủ trương, đường lối của Đảng",
    "chính sách, pháp luật của Nhà nước",
    "những điều đảng viên không được làm",
    "tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "nhiệm vụ được giao",
    "cán bộ, đảng viên",
    "người đảng viên",
    "đảng viên",
    "Đảng",
    "Nhà nước",
    "chủ trương",
    "đường lối",
    "chính sách",
    "pháp luật",
    "nghị quyết",
    "chỉ thị",
    "quy định",
    "điều lệ",
    "nội quy",
    "quy chế",
    "kỷ luật",
    "kỷ cương",
    "cơ quan",
    "đơn vị",
    "địa phương",
    "nơi cư trú",
    "nơi công tác",
    "nhiệm vụ",
    "chức trách",
    "công việc",
    "công tác",
    "bản thân",
    "ý thức",
    "trách nhiệm",
    "tinh thần",
    "phẩm chất",
    "đạo đức",
    "lối sống",
    "tư tưởng",
    "phong cách",
    "Hồ Chí Minh",
    "Bác Hồ",
    "Bác",
    "chất lượng",
    "hiệu quả",
    "bản lĩnh chính trị",
    "lập trường",
    "tổ chức",
    "tập thể",
    "các phong trào",
    "phong trào thi đua",
    "phong trào",
    "thi đua",
    "sinh hoạt chi bộ",
    "sinh hoạt đảng",
    "thực hiện",
    "chấp hành",
    "tham gia",
    "học tập",
    "làm theo",
    "rèn luyện",
    "tu dưỡng",
    "giữ gìn",
    "nâng cao",
    "phát huy",
    "mọi lúc, mọi nơi",
    "mọi mặt",
    "ngày càng",
    "hơn nữa",
];

/// Function words (already folded) that carry no object: taken out before counting meaningful
/// words, both for `vague` and for matching duties.
pub const STOP_WORDS: &[&str] = &[
    "va", "voi", "cua", "cac", "nhung", "mot", "cho", "trong", "tren", "duoi", "ve", "de", "la",
    "thi", "ma", "o", "tai", "tu", "den", "theo", "nham", "bang", "cung", "nhu", "da", "dang",
    "se", "duoc", "bi", "co", "khong", "chua", "rat", "hon", "nhat", "luon", "deu", "cang", "viec",
    "su", "nhieu", "minh", "toi", "nay", "do", "ay", "tot", "nua", "hay", "hoac", "ca", "phai",
    "nen", "vao", "ra", "len", "khi", "neu", "nguoi",
];

/// Document and product words that start a named deliverable. Folded at use, except the two
/// one-syllable words "sổ" and "bản", which are matched with their diacritics (folded they would
/// be "số" and "ban").
pub const DELIVERABLE_WORDS: &[&str] = &[
    "báo cáo",
    "đề án",
    "đề tài",
    "dự án",
    "sáng kiến",
    "mô hình",
    "kế hoạch",
    "sổ",
    "bản",
    "sổ tay",
    "sổ theo dõi",
    "sổ ghi chép",
    "chuyên đề",
    "công trình",
    "tuyến đường",
    "con đường",
    "đường giao thông",
    "bài viết",
    "bài báo",
    "bài giảng",
    "bài thu hoạch",
    "giáo án",
    "tham luận",
    "tài liệu",
    "bộ tài liệu",
    "quy chế",
    "quy trình",
    "phần mềm",
    "trang thông tin",
    "chương trình",
    "sản phẩm",
    "tập san",
    "bản tin",
    "chứng chỉ",
    "văn bằng",
    "nhà tình nghĩa",
    "nhà tình thương",
    "nhà đại đoàn kết",
    "cách làm hay",
    "giải pháp",
    "hồ sơ",
];

/// Deliverable words matched with diacritics (see [`DELIVERABLE_WORDS`]).
const EXACT_DELIVERABLE_WORDS: &[&str] = &["sổ", "bản"];

/// Fewer meaningful syllables than this, once generic phrases are taken out, make a content vague.
pub const MIN_MEANINGFUL_SYLLABLES: usize = 4;

/// Units of several words, read whole after a number (one-word units need no listing).
const UNITS: &[&str] = &[
    "đơn thư",
    "chỉ tiêu",
    "hộ dân",
    "hộ gia đình",
    "hộ nghèo",
    "lượt người",
    "người dân",
    "đảng viên",
    "đoàn viên",
    "hội viên",
    "học sinh",
    "sinh viên",
    "cán bộ",
    "công chức",
    "quần chúng",
    "buổi sinh hoạt",
    "buổi học",
    "cuộc họp",
    "vụ việc",
    "vụ án",
    "hồ sơ",
    "thủ tục hành chính",
    "thủ tục",
    "tỷ đồng",
    "triệu đồng",
    "nghìn đồng",
    "ngàn đồng",
    "mét vuông",
    "ngày làm việc",
    "ngày công",
    "suất quà",
    "phần quà",
    "báo cáo chuyên đề",
    "báo cáo",
    "chuyên đề",
    "sáng kiến kinh nghiệm",
    "sáng kiến",
    "mô hình",
    "đề án",
    "đề tài",
    "kế hoạch",
    "bài viết",
    "bài báo",
    "giáo án",
    "tiết dạy",
    "tiết học",
    "lớp học",
    "nhà tình nghĩa",
    "nhà tình thương",
    "nhà đại đoàn kết",
    "tuyến đường",
    "công trình",
    "giờ dạy",
];

/// Words that cannot be the one-word unit right after a number (folded).
const UNIT_STOP: &[&str] = &[
    "tro", "va", "hoac", "cua", "cho", "trong", "tai", "o", "voi", "vao", "den", "tu", "truoc",
    "sau", "la", "duoc", "da", "se", "dat", "tren", "duoi", "khi", "neu", "theo", "ve", "nhu",
    "thi", "ma", "de", "nham", "con", "hoc", "nay", "toi", "qua", "hoan", "tang", "giam", "so",
    "tot", "nua", "thuoc", "moi", "cac", "nhung", "tong", "it", "kem",
];

/// A number right after one of these words names something rather than counting it (folded).
const ID_PREFIX: &[&str] = &[
    "thang", "ngay", "nam", "quy", "tuan", "hem", "ngo", "ngach", "kiet", "to", "ap", "thon",
    "xom", "pho", "phuong", "quan", "xa", "so", "khoa", "dieu", "khoan", "muc", "thu", "lop",
    "phong", "doi", "ky", "dot", "khu", "cum", "chuong", "tiet", "huyen", "tinh", "tang", "nha",
];

/// "năm" after one of these is "year", not five (folded).
const YEAR_CONTEXT: &[&str] = &[
    "trong", "hang", "moi", "ca", "cuoi", "dau", "giua", "cac", "nhung", "nhieu", "qua", "tung",
    "het", "nam", "sang", "truoc", "sau", "cua",
];

/// "một" before one of these is not a count (folded).
const ONE_NOT_COUNT: &[&str] = &[
    "so", "cach", "phan", "long", "chut", "vai", "it", "mat", "nua", "khi",
];

/// Verbs and fillers skipped before a deliverable word at the start of a target.
const LEADING_WORDS: &[&str] = &[
    "hoàn thành",
    "xây dựng",
    "xây mới",
    "viết",
    "có",
    "đạt",
    "thực hiện",
    "triển khai",
    "tổ chức",
    "ban hành",
    "biên soạn",
    "soạn thảo",
    "soạn",
    "lập",
    "duy trì",
    "nộp",
    "đề xuất",
    "trình",
    "nhân rộng",
    "ra mắt",
    "thành lập",
    "cập nhật",
    "tham mưu",
    "chủ trì",
    "phối hợp",
    "nâng cấp",
    "hoàn thiện",
    "làm mới",
    "làm",
    "sửa chữa",
    "mở rộng",
    "nghiệm thu",
    "bàn giao",
    "bảo vệ",
    "đăng ký",
    "được",
    "và",
    "ít nhất",
    "tối thiểu",
    "khoảng",
    "trên",
    "mỗi",
];

/// Generic words taken out of duties before matching ("Công tác dân vận" names "dân vận").
const DUTY_GENERIC: &[&str] = &[
    "công tác",
    "nhiệm vụ",
    "chức trách",
    "phụ trách",
    "lĩnh vực",
    "thực hiện",
    "tham gia",
];

// ---------------------------------------------------------------------------------------------
// Folded lists, built once
// ---------------------------------------------------------------------------------------------

struct Phrase {
    words: Vec<String>,
    text: &'static str,
    vague: bool,
}

struct Lexicon {
    /// Vague and generic content phrases, longest first (vague first among equals).
    content: Vec<Phrase>,
    units: Vec<Vec<String>>,
    deliverables: Vec<Vec<String>>,
    leading: Vec<Vec<String>>,
    duty_generic: Vec<Vec<String>>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut content: Vec<Phrase> = VAGUE_PHRASES
            .iter()
            .map(|p| (p, true))
            .chain(GENERIC_PHRASES.iter().map(|p| (p, false)))
            .map(|(text, vague)| Phrase {
                words: folded_words(text),
                text,
                vague,
            })
            .filter(|p| !p.words.is_empty())
            .collect();
        content.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        Lexicon {
            content,
            units: folded_list(UNITS),
            deliverables: folded_list(
                &DELIVERABLE_WORDS
                    .iter()
                    .copied()
                    .filter(|d| !EXACT_DELIVERABLE_WORDS.contains(d))
                    .collect::<Vec<_>>(),
            ),
            leading: folded_list(LEADING_WORDS),
            duty_generic: folded_list(DUTY_GENERIC),
        }
    })
}

/// Folded, split into words, longest first.
fn folded_list(list: &[&str]) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = list
        .iter()
        .map(|p| folded_words(p))
        .filter(|w| !w.is_empty())
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.len()));
    v
}

fn folded_words(s: &str) -> Vec<String> {
    split_words(&fold(s))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Words of an already folded text: runs of letters and digits.
fn split_words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

fn starts_with(words: &[&str], at: usize, phrase: &[String]) -> bool {
    words
        .get(at..at.saturating_add(phrase.len()))
        .is_some_and(|w| w.iter().zip(phrase).all(|(a, b)| *a == b.as_str()))
}

/// Greedy left-to-right cover of `words` by `phrases` (longest first at each position): marks the
/// covered words and returns the phrases used, in order.
fn cover<'p, T>(
    words: &[&str],
    phrases: &'p [T],
    key: impl Fn(&T) -> &[String],
    covered: &mut [bool],
) -> Vec<&'p T> {
    let mut used = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match phrases.iter().find(|p| starts_with(words, i, key(p))) {
            Some(p) => {
                let len = key(p).len();
                for c in covered.iter_mut().skip(i).take(len) {
                    *c = true;
                }
                used.push(p);
                i += len.max(1);
            }
            None => i += 1,
        }
    }
    used
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/// A target as people write it, with the number and unit extracted.
///
/// Invariants: `number` and `unit` are both present (a quantity) or both absent; `percent` implies
/// a quantity; a parsed target has a quantity or is a `deliverable` (or both).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The target as written (normalised: NFC, single spaces).
    pub text: String,
    pub number: Option<f64>,
    /// As written: "hộ", "đơn thư", "buổi/tháng", "tỷ đồng", or "%" for a bare percentage.
    pub unit: Option<String>,
    pub percent: bool,
    /// Names a document or product ("Báo cáo chuyên đề", "01 mô hình").
    pub deliverable: bool,
}

impl Target {
    /// A number with a unit or a percentage.
    pub fn is_quantity(&self) -> bool {
        self.number.is_some()
    }
}

/// Reads a target as people write it; `None` when it holds neither a quantity nor a deliverable
/// (see the module documentation for the exact reading).
pub fn parse_target(s: &str) -> Option<Target> {
    analyse_target(s).0
}

/// The parsed target, and otherwise the first bare number found (for the writer's note).
fn analyse_target(s: &str) -> (Option<Target>, Option<String>) {
    let text = normalize(s);
    if text.is_empty() {
        return (None, None);
    }
    let (quantity, bare, head) = {
        let toks = tokenize(&text);
        let (quantity, bare) = find_quantity(&toks);
        (quantity, bare, deliverable_head(&toks))
    };
    let deliverable = head || quantity.as_ref().is_some_and(|q| q.deliverable);
    if quantity.is_none() && !deliverable {
        return (None, bare);
    }
    let (number, unit, percent) = match quantity {
        Some(q) => (Some(q.value), Some(q.unit), q.percent),
        None => (None, None, false),
    };
    (
        Some(Target {
            text,
            number,
            unit,
            percent,
            deliverable,
        }),
        None,
    )
}

#[derive(Debug)]
struct Word<'a> {
    text: &'a str,
    lower: String,
    folded: String,
}

#[derive(Debug)]
enum Tok<'a> {
    /// ASCII digits with inner ".", "," or "/" between digits.
    Num(&'a str),
    Word(Word<'a>),
    Percent,
    Open,
    Close,
    Slash,
    Other,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    // The character after the ASCII separator at byte `i`.
    let after = |i: usize| s.get(i + 1..).and_then(|r| r.chars().next());
    while let Some((start, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() {
            let mut end = start + 1;
            while let Some(&(i, d)) = it.peek() {
                // A separator joins only digits: "1.500.000", "1,5", "30/9".
                let continues = d.is_ascii_digit()
                    || (matches!(d, '.' | ',' | '/')
                        && after(i).is_some_and(|n| n.is_ascii_digit()));
                if !continues {
                    break;
                }
                it.next();
                end = i + 1;
            }
            out.push(Tok::Num(&s[start..end]));
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = it.peek() {
                // "-" joins letters ("e-mail"); "/" is always its own token, so "chuyên đề/năm"
                // still shows the unit "chuyên đề" (the rate is added back by `read_unit`).
                let continues = is_word_char(d)
                    || (d == '-'
                        && after(i).is_some_and(|n| is_word_char(n) && !n.is_ascii_digit()));
                if !continues {
                    break;
                }
                it.next();
                end = i + d.len_utf8();
            }
            let text = &s[start..end];
            out.push(Tok::Word(Word {
                text,
                lower: text.to_lowercase(),
                folded: fold(text),
            }));
        } else {
            out.push(match c {
                '%' | '％' => Tok::Percent,
                '(' | '[' => Tok::Open,
                ')' | ']' => Tok::Close,
                '/' => Tok::Slash,
                _ => Tok::Other,
            });
        }
    }
    out
}

fn word_at<'t, 'a>(toks: &'t [Tok<'a>], i: usize) -> Option<&'t Word<'a>> {
    match toks.get(i) {
        Some(Tok::Word(w)) => Some(w),
        _ => None,
    }
}

fn prev_folded<'t>(toks: &'t [Tok<'_>], i: usize) -> Option<&'t str> {
    i.checked_sub(1)
        .and_then(|p| word_at(toks, p))
        .map(|w| w.folded.as_str())
}

fn words_match(toks: &[Tok<'_>], at: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && phrase
            .iter()
            .enumerate()
            .all(|(k, p)| word_at(toks, at + k).is_some_and(|w| w.folded == *p))
}

fn digit_word(w: &str) -> Option<u32> {
    Some(match w {
        "một" => 1,
        "hai" => 2,
        "ba" => 3,
        "bốn" => 4,
        "năm" => 5,
        "sáu" => 6,
        "bảy" | "bẩy" => 7,
        "tám" => 8,
        "chín" => 9,
        _ => return None,
    })
}

/// The unit digit after "mười" ("mười hai", "mười lăm"); "năm" there is "year" ("mười năm").
fn digit_after_muoi_ten(w: &str) -> Option<u32> {
    match w {
        "lăm" | "nhăm" => Some(5),
        "năm" => None,
        _ => digit_word(w),
    }
}

/// The unit digit after "mươi" ("hai mươi mốt", "ba mươi tư", "hai mươi lăm").
fn digit_after_muoi_tens(w: &str) -> Option<u32> {
    match w {
        "mốt" => Some(1),
        "tư" => Some(4),
        _ => digit_after_muoi_ten(w),
    }
}

fn is_number_word(w: &str) -> bool {
    digit_word(w).is_some() || matches!(w, "mười" | "mươi" | "trăm")
}

/// Number words starting at `i`: value and number of words ("hai mươi lăm" → (25, 3)).
fn number_words(toks: &[Tok<'_>], i: usize) -> Option<(u32, usize)> {
    let w = |k: usize| word_at(toks, i + k).map(|w| w.lower.as_str());
    let first = w(0)?;
    if first == "mười" {
        return Some(match w(1).and_then(digit_after_muoi_ten) {
            Some(u) => (10 + u, 2),
            None => (10, 1),
        });
    }
    let d = digit_word(first)?;
    Some(match w(1) {
        Some("mươi") => match w(2).and_then(digit_after_muoi_tens) {
            Some(u) => (d * 10 + u, 3),
            None => (d * 10, 2),
        },
        Some("trăm") => (d * 100, 2),
        _ => (d, 1),
    })
}

/// Number words at `i` that count something, with the Vietnamese ambiguities ruled out.
fn counting_number_words(toks: &[Tok<'_>], i: usize) -> Option<(u32, usize)> {
    let (v, k) = number_words(toks, i)?;
    // "5 năm": a number word right after a number is not another number.
    if i > 0 && matches!(toks.get(i - 1), Some(Tok::Num(_))) {
        return None;
    }
    let prev = prev_folded(toks, i);
    if prev.is_some_and(|p| ID_PREFIX.contains(&p)) {
        return None;
    }
    let first = word_at(toks, i)?.lower.as_str();
    let next = toks.get(i + k);
    let next_folded = word_at(toks, i + k).map(|w| w.folded.as_str());
    if k == 1
        && first == "năm"
        && (prev.is_some_and(|p| YEAR_CONTEXT.contains(&p))
            || matches!(next, Some(Tok::Num(_)) | None))
    {
        return None;
    }
    if k == 1 && first == "một" && next_folded.is_some_and(|n| ONE_NOT_COUNT.contains(&n)) {
        return None;
    }
    Some((v, k))
}

struct Quantity {
    value: f64,
    unit: String,
    percent: bool,
    deliverable: bool,
}

/// The unit words at `j`: text, index after them, and whether they name a deliverable.
fn read_unit(toks: &[Tok<'_>], j: usize) -> Option<(String, usize, bool)> {
    let lex = lexicon();
    let first = word_at(toks, j)?;
    let len = match lex.units.iter().find(|u| words_match(toks, j, u)) {
        Some(u) => u.len(),
        // "01 sổ" ("sổ" folds like "so với"); "5 năm" (after a number "năm" is years, not five).
        None if EXACT_DELIVERABLE_WORDS.contains(&first.lower.as_str()) || first.lower == "năm" => {
            1
        }
        None => {
            if UNIT_STOP.contains(&first.folded.as_str()) || is_number_word(&first.lower) {
                return None;
            }
            1
        }
    };
    let mut text = String::new();
    for k in 0..len {
        if let Some(w) = word_at(toks, j + k) {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(w.text);
        }
    }
    let mut end = j + len;
    // A rate written with spaces: "buổi / tháng".
    if matches!(toks.get(end), Some(Tok::Slash)) {
        if let Some(w) = word_at(toks, end + 1) {
            text.push('/');
            text.push_str(w.text);
            end += 2;
        }
    }
    Some((text, end, is_deliverable_at(toks, j)))
}

fn is_deliverable_at(toks: &[Tok<'_>], i: usize) -> bool {
    word_at(toks, i).is_some_and(|w| EXACT_DELIVERABLE_WORDS.contains(&w.lower.as_str()))
        || lexicon()
            .deliverables
            .iter()
            .any(|d| words_match(toks, i, d))
}

/// The first quantity (number with unit or percentage); otherwise the first bare number.
fn find_quantity(toks: &[Tok<'_>]) -> (Option<Quantity>, Option<String>) {
    let mut bare: Option<String> = None;
    let mut i = 0;
    while i < toks.len() {
        // "hẻm 3", "năm 2019", and "Quý III/2019".
        let prev_is_id = prev_folded(toks, i).is_some_and(|p| ID_PREFIX.contains(&p))
            || (i > 0 && matches!(toks.get(i - 1), Some(Tok::Slash)));
        // (value, from digits, bare text when it may be reported, index after the number)
        let (mut value, from_digits, bare_text, mut j) = match toks.get(i) {
            Some(Tok::Num(t)) => {
                let parts: Vec<&str> = t.split('/').collect();
                let parsed = match parts.as_slice() {
                    [single] => crate::text::parse_decimal(single).map(|v| (v, Some(*t))),
                    // "12/12 buổi": done out of planned; the first counts.
                    [done, _] => crate::text::parse_decimal(done).map(|v| (v, None)),
                    // A date.
                    _ => None,
                };
                match parsed {
                    Some((v, b)) if !prev_is_id => (v, true, b, i + 1),
                    _ => {
                        i += 1;
                        continue;
                    }
                }
            }
            Some(Tok::Word(_)) => match counting_number_words(toks, i) {
                Some((v, k)) => (f64::from(v), false, None, i + k),
                None => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        // "một (01) sáng kiến", "01 (một) sáng kiến": the bracketed repeat is read once.
        if matches!(toks.get(j), Some(Tok::Open)) {
            if let Some(Tok::Num(n)) = toks.get(j + 1) {
                if matches!(toks.get(j + 2), Some(Tok::Close)) {
                    if !from_digits {
                        value = crate::text::parse_decimal(n).unwrap_or(value);
                    }
                    j += 3;
                }
            } else if let Some((_, k)) = number_words(toks, j + 1) {
                if matches!(toks.get(j + 1 + k), Some(Tok::Close)) {
                    j += k + 2;
                }
            }
        }
        let mut percent = false;
        if matches!(toks.get(j), Some(Tok::Percent)) {
            percent = true;
            j += 1;
        } else if word_at(toks, j).is_some_and(|w| w.folded == "phan")
            && word_at(toks, j + 1).is_some_and(|w| w.folded == "tram")
        {
            percent = true;
            j += 2;
        }
        let unit = read_unit(toks, j);
        if percent {
            let unit = unit.map_or_else(|| "%".to_owned(), |(u, _, _)| u);
            return (
                Some(Quantity {
                    value,
                    unit,
                    percent,
                    deliverable: false,
                }),
                None,
            );
        }
        if let Some((unit, _, deliverable)) = unit {
            return (
                Some(Quantity {
                    value,
                    unit,
                    percent,
                    deliverable,
                }),
                None,
            );
        }
        if bare.is_none() {
            bare = bare_text.map(str::to_owned);
        }
        i = j.max(i + 1);
    }
    (None, bare)
}

/// Whether the target starts (after leading verbs, numbers and quotes) with a deliverable word.
fn deliverable_head(toks: &[Tok<'_>]) -> bool {
    let lex = lexicon();
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        match t {
            Tok::Word(_) => {
                if is_deliverable_at(toks, i) {
                    return true;
                }
                if let Some(p) = lex.leading.iter().find(|p| words_match(toks, i, p)) {
                    i += p.len();
                } else if let Some((_, k)) = number_words(toks, i) {
                    i += k;
                } else {
                    return false;
                }
            }
            // "100% kế hoạch" is a share of a plan, not a plan.
            Tok::Percent => return false,
            _ => i += 1,
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Checking an item
// ---------------------------------------------------------------------------------------------

/// One commitment item as written.
#[derive(Debug, Clone, Copy)]
pub struct ItemInput<'a> {
    pub content: &'a str,
    /// The duty or field the item belongs to, as text.
    pub duty: &'a str,
    /// Free text as people write it ("15 hộ", "100% đơn thư", "Báo cáo chuyên đề").
    pub target: &'a str,
    pub deadline: Option<NaiveDate>,
}

/// The member's own duties and fields (from positions' "chức trách" and titles) plus the field list.
#[derive(Debug, Clone, Copy)]
pub struct DutyContext<'a> {
    pub duties: &'a [String],
    pub fields: &'a [&'a str],
}

impl<'a> DutyContext<'a> {
    /// The member's duties with the standard [`FIELDS`].
    pub fn new(duties: &'a [String]) -> Self {
        DutyContext {
            duties,
            fields: FIELDS,
        }
    }
}

/// Checks one item against the rules of this module. Flags come in the order vague,
/// not_tied_to_duty, no_target, no_deadline; never `Copied`.
pub fn check_item(item: &ItemInput<'_>, ctx: &DutyContext<'_>, year: i32) -> Vec<FlagNote> {
    let mut notes = Vec::new();
    let (target, bare) = analyse_target(item.target);
    if let Some(message) = vague_note(item.content, target.is_some()) {
        notes.push(FlagNote {
            flag: Flag::Vague,
            message,
        });
    }
    if let Some(message) = duty_note(item.duty, ctx) {
        notes.push(FlagNote {
            flag: Flag::NotTiedToDuty,
            message,
        });
    }
    if target.is_none() {
        notes.push(FlagNote {
            flag: Flag::NoTarget,
            message: no_target_message(item.target, bare.as_deref()),
        });
    }
    if let Some(message) = deadline_note(item.deadline, year) {
        notes.push(FlagNote {
            flag: Flag::NoDeadline,
            message,
        });
    }
    notes
}

const WHAT_TO_WRITE: &str = "hãy ghi rõ việc gì, cho ai, bao nhiêu và khi nào xong";
const TARGET_EXAMPLES: &str = "ghi số lượng kèm đơn vị (ví dụ \"15 hộ\", \"100% đơn thư\") hoặc sản phẩm cụ thể (ví dụ \"01 báo cáo chuyên đề\")";

/// Quotable text: normalised, at most 60 characters.
fn quote(s: &str) -> String {
    let s = normalize(s);
    if s.chars().count() <= 60 {
        s
    } else {
        let mut q: String = s.chars().take(57).collect();
        q.push('…');
        q
    }
}

fn vague_note(content: &str, has_target: bool) -> Option<String> {
    let folded = fold(content);
    let words = split_words(&folded);
    if words.is_empty() {
        return Some(format!("Chưa ghi nội dung cam kết: {WHAT_TO_WRITE}"));
    }
    if has_target || folded.chars().any(char::is_numeric) {
        return None;
    }
    let mut covered = vec![false; words.len()];
    let used = cover(&words, &lexicon().content, |p| &p.words, &mut covered);
    let mut found: Vec<&str> = Vec::new();
    for p in used.iter().filter(|p| p.vague) {
        if !found.contains(&p.text) {
            found.push(p.text);
        }
    }
    if found.is_empty() {
        return None;
    }
    let meaningful = words
        .iter()
        .zip(&covered)
        .filter(|(w, c)| !**c && w.chars().count() >= 2 && !STOP_WORDS.contains(w))
        .count();
    if meaningful >= MIN_MEANINGFUL_SYLLABLES {
        return None;
    }
    let quoted: Vec<String> = found.iter().take(3).map(|p| format!("\"{p}\"")).collect();
    Some(format!(
        "Nội dung chỉ gồm cụm từ chung chung ({}): {WHAT_TO_WRITE}",
        quoted.join(", ")
    ))
}

fn no_target_message(target: &str, bare: Option<&str>) -> String {
    let t = quote(target);
    match bare {
        _ if t.is_empty() => format!("Chưa có chỉ tiêu đo được: {TARGET_EXAMPLES}"),
        Some(n) => format!(
            "Chỉ tiêu \"{t}\" có số {n} nhưng chưa có đơn vị: ghi rõ {n} gì (ví dụ \"{n} hộ\", \"{n} buổi\") hoặc sản phẩm cụ thể (ví dụ \"01 báo cáo chuyên đề\")"
        ),
        None => format!("Chỉ tiêu \"{t}\" chưa đo được: {TARGET_EXAMPLES}"),
    }
}

fn deadline_note(deadline: Option<NaiveDate>, year: i32) -> Option<String> {
    match deadline {
        None => Some(format!(
            "Chưa có hạn hoàn thành: ghi ngày cụ thể trong năm {year} (chậm nhất 31/12/{year})"
        )),
        Some(d) if d.year() > year => Some(format!(
            "Hạn hoàn thành {} nằm ngoài năm đăng ký {year}: chọn một ngày trong năm, chậm nhất 31/12/{year}",
            format_date(d)
        )),
        Some(d) if d.year() < year => Some(format!(
            "Hạn hoàn thành {} nằm trước năm đăng ký {year}: chọn một ngày từ 01/01/{year} đến 31/12/{year}",
            format_date(d)
        )),
        Some(_) => None,
    }
}

/// A duty or field, folded, with its meaningful words.
struct DutyWords {
    words: Vec<String>,
    meaningful: Vec<String>,
}

impl DutyWords {
    fn new(s: &str) -> Self {
        let folded = fold(s);
        let words = split_words(&folded);
        let mut covered = vec![false; words.len()];
        cover(&words, &lexicon().duty_generic, |p| p, &mut covered);
        let mut meaningful: Vec<String> = words
            .iter()
            .zip(&covered)
            .filter(|(w, c)| !**c && !STOP_WORDS.contains(w))
            .map(|(w, _)| (*w).to_owned())
            .collect();
        meaningful.sort();
        meaningful.dedup();
        DutyWords {
            words: words.into_iter().map(str::to_owned).collect(),
            meaningful,
        }
    }

    fn matches(&self, other: &DutyWords) -> bool {
        if self.words.is_empty() || other.words.is_empty() {
            return false;
        }
        if self.words == other.words {
            return true;
        }
        let (short, long) = if self.words.len() <= other.words.len() {
            (self, other)
        } else {
            (other, self)
        };
        if !short.meaningful.is_empty()
            && long
                .words
                .windows(short.words.len())
                .any(|w| w == short.words.as_slice())
        {
            return true;
        }
        let (few, many) = if self.meaningful.len() <= other.meaningful.len() {
            (self, other)
        } else {
            (other, self)
        };
        if few.meaningful.is_empty() {
            return false;
        }
        let shared = few
            .meaningful
            .iter()
            .filter(|w| many.meaningful.binary_search(w).is_ok())
            .count();
        shared * 2 >= few.meaningful.len()
    }
}

fn duty_note(duty: &str, ctx: &DutyContext<'_>) -> Option<String> {
    let example = ctx
        .duties
        .iter()
        .map(|d| quote(d))
        .find(|d| !d.is_empty())
        .or_else(|| ctx.fields.first().map(|f| quote(f)))
        .unwrap_or_else(|| "Công tác chuyên môn".to_owned());
    let written = DutyWords::new(duty);
    if written.words.is_empty() {
        return Some(format!(
            "Chưa ghi việc này thuộc chức trách, nhiệm vụ hay lĩnh vực nào: hãy chọn một chức trách của đồng chí hoặc một lĩnh vực (ví dụ \"{example}\")"
        ));
    }
    let tied = ctx
        .duties
        .iter()
        .map(String::as_str)
        .chain(ctx.fields.iter().copied())
        .any(|c| written.matches(&DutyWords::new(c)));
    if tied {
        return None;
    }
    Some(format!(
        "Chưa gắn với chức trách, nhiệm vụ: \"{}\" không khớp với chức trách nào của đồng chí hay lĩnh vực nào trong danh sách; hãy chọn đúng chức trách hoặc lĩnh vực mà việc này thuộc về (ví dụ \"{example}\")",
        quote(duty)
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn duties(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn flags(notes: &[FlagNote]) -> Vec<Flag> {
        notes.iter().map(|n| n.flag).collect()
    }

    // ---- parse_target ----------------------------------------------------------------------

    /// (text, number, unit, percent, deliverable)
    type Expect = (&'static str, Option<f64>, Option<&'static str>, bool, bool);

    #[test]
    fn parse_target_reads_how_people_write() {
        let cases: &[Expect] = &[
            ("15 hộ", Some(15.0), Some("hộ"), false, false),
            ("800 mét", Some(800.0), Some("mét"), false, false),
            ("100% đơn thư", Some(100.0), Some("đơn thư"), true, false),
            (
                "100 % đơn thư khiếu nại",
                Some(100.0),
                Some("đơn thư"),
                true,
                false,
            ),
            ("100%", Some(100.0), Some("%"), true, false),
            ("đạt 95 phần trăm", Some(95.0), Some("%"), true, false),
            ("02 lớp", Some(2.0), Some("lớp"), false, false),
            ("3 buổi/tháng", Some(3.0), Some("buổi/tháng"), false, false),
            (
                "3 buổi / tháng",
                Some(3.0),
                Some("buổi/tháng"),
                false,
                false,
            ),
            (
                "1.500.000 đồng",
                Some(1_500_000.0),
                Some("đồng"),
                false,
                false,
            ),
            ("1,5 tỷ đồng", Some(1.5), Some("tỷ đồng"), false, false),
            ("1.234,5 mét", Some(1234.5), Some("mét"), false, false),
            ("1.5 km", Some(1.5), Some("km"), false, false),
            ("800m", Some(800.0), Some("m"), false, false),
            (
                "hoàn thành 01 mô hình",
                Some(1.0),
                Some("mô hình"),
                false,
                true,
            ),
            (
                "một (01) sáng kiến",
                Some(1.0),
                Some("sáng kiến"),
                false,
                true,
            ),
            (
                "01 (một) sáng kiến kinh nghiệm",
                Some(1.0),
                Some("sáng kiến kinh nghiệm"),
                false,
                true,
            ),
            (
                "01 báo cáo chuyên đề",
                Some(1.0),
                Some("báo cáo chuyên đề"),
                false,
                true,
            ),
            ("02 bản thu hoạch", Some(2.0), Some("bản"), false, true),
            ("15 hộ dân", Some(15.0), Some("hộ dân"), false, false),
            (
                "Vận động 15 hộ dân hiến đất",
                Some(15.0),
                Some("hộ dân"),
                false,
                false,
            ),
            (
                "ít nhất 20 lượt người",
                Some(20.0),
                Some("lượt người"),
                false,
                false,
            ),
            (
                "12/12 buổi sinh hoạt",
                Some(12.0),
                Some("buổi sinh hoạt"),
                false,
                false,
            ),
            (
                "100% học sinh lên lớp",
                Some(100.0),
                Some("học sinh"),
                true,
                false,
            ),
            ("ba hộ", Some(3.0), Some("hộ"), false, false),
            ("Mười hai buổi", Some(12.0), Some("buổi"), false, false),
            ("hai mươi lăm hộ", Some(25.0), Some("hộ"), false, false),
            ("ba mươi tư cháu", Some(34.0), Some("cháu"), false, false),
            ("năm sáng kiến", Some(5.0), Some("sáng kiến"), false, true),
            ("12 camera", Some(12.0), Some("camera"), false, false),
            (
                "giảm còn 3 ngày làm việc",
                Some(3.0),
                Some("ngày làm việc"),
                false,
                false,
            ),
            (
                "Tuyến đường ấp 3 dài 1,2 km",
                Some(1.2),
                Some("km"),
                false,
                true,
            ),
            (
                "15 hộ, trước 30/9/2019",
                Some(15.0),
                Some("hộ"),
                false,
                false,
            ),
            ("Báo cáo chuyên đề", None, None, false, true),
            ("Sổ tay theo dõi", None, None, false, true),
            ("sổ theo dõi hộ nghèo", None, None, false, true),
            (
                "Đề án phát triển du lịch cộng đồng",
                None,
                None,
                false,
                true,
            ),
            ("mô hình 'Dân vận khéo'", None, None, false, true),
            ("“Mô hình Dân vận khéo”", None, None, false, true),
            (
                "Xây dựng và nhân rộng mô hình \"Dân vận khéo\"",
                None,
                None,
                false,
                true,
            ),
            ("Kế hoạch", None, None, false, true),
            ("Bản thu hoạch", None, None, false, true),
            ("Lập kế hoạch tuần tra", None, None, false, true),
            ("Chứng chỉ tiếng Anh B1", None, None, false, true),
            (
                "01 chuyên đề/năm",
                Some(1.0),
                Some("chuyên đề/năm"),
                false,
                true,
            ),
            ("15 hộ/năm", Some(15.0), Some("hộ/năm"), false, false),
            ("01 sổ", Some(1.0), Some("sổ"), false, true),
            ("hai bản", Some(2.0), Some("bản"), false, true),
            ("5 năm liền", Some(5.0), Some("năm"), false, false),
            ("02 (hai) lớp", Some(2.0), Some("lớp"), false, false),
            (
                "đạt 100 % chỉ tiêu",
                Some(100.0),
                Some("chỉ tiêu"),
                true,
                false,
            ),
            (
                "Hoàn thành 100% kế hoạch",
                Some(100.0),
                Some("kế hoạch"),
                true,
                false,
            ),
            ("bảy phần trăm", Some(7.0), Some("%"), true, false),
            (
                "năm 2019 vận động 15 hộ",
                Some(15.0),
                Some("hộ"),
                false,
                false,
            ),
            ("0 vụ", Some(0.0), Some("vụ"), false, false),
            ("mười năm", Some(10.0), Some("năm"), false, false),
        ];
        for (text, number, unit, percent, deliverable) in cases {
            let t = parse_target(text).unwrap_or_else(|| panic!("{text:?} not parsed"));
            assert_eq!(t.number, *number, "{text:?}");
            assert_eq!(t.unit.as_deref(), *unit, "{text:?}");
            assert_eq!(t.percent, *percent, "{text:?}");
            assert_eq!(t.deliverable, *deliverable, "{text:?}");
            assert_eq!(t.text, normalize(text));
        }
    }

    #[test]
    fn parse_target_rejects_what_is_not_a_target() {
        for text in [
            "",
            "   ",
            "tốt",
            "cao",
            "Tốt",
            "Hoàn thành tốt",
            "Hoàn thành",
            "Hoàn thành trong năm",
            "trong năm 2019",
            "hằng năm",
            "30/9/2019",
            "trước 30/9",
            "15",
            "15.",
            "hẻm 3",
            "khu phố 2",
            "lớp 9",
            "tháng 9",
            "bà con khu phố",
            "một số hộ",
            "thứ hai hằng tuần",
            "Xuất sắc",
            "100 trong năm",
            "1,2,3",
            "%",
            "()",
            "Đạt",
            "Quý III/2019",
        ] {
            assert_eq!(parse_target(text), None, "{text:?}");
        }
    }

    // ---- check_item ------------------------------------------------------------------------

    struct Case {
        who: &'static [&'static str],
        content: &'static str,
        duty: &'static str,
        target: &'static str,
        deadline: Option<NaiveDate>,
        expect: &'static [Flag],
        /// A fragment the first note must contain.
        says: &'static str,
    }

    const DAN_VAN: &[&str] = &["Cán bộ phụ trách công tác dân vận phường"];
    const INSPECTOR: &[&str] = &[
        "Thanh tra viên, giải quyết khiếu nại, tố cáo",
        "Tiếp công dân định kỳ",
    ];
    const TEACHER: &[&str] = &["Giáo viên dạy Toán lớp 9", "Chủ nhiệm lớp 9A"];
    const POLICE: &[&str] = &[
        "Cảnh sát khu vực phường 5",
        "Phụ trách an ninh trật tự địa bàn khu phố 3, 4",
    ];
    const RETIRED: &[&str] = &[];
    const HEAD: &[&str] = &[
        "Chủ tịch Ủy ban nhân dân xã",
        "Chỉ đạo xây dựng nông thôn mới",
    ];

    fn cases() -> Vec<Case> {
        use Flag::*;
        let c = |who, content, duty, target, deadline, expect, says| Case {
            who,
            content,
            duty,
            target,
            deadline,
            expect,
            says,
        };
        vec![
            // Specific items tied to duties: they pass.
            c(DAN_VAN, "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 2", "Công tác dân vận",
              "15 hộ", Some(d(2019, 9, 30)), &[], ""),
            c(DAN_VAN, "Xây dựng và nhân rộng mô hình 'Dân vận khéo' trong giữ gìn vệ sinh môi trường khu phố 4",
              "Phụ trách công tác dân vận", "mô hình 'Dân vận khéo'", Some(d(2019, 10, 31)), &[], ""),
            c(DAN_VAN, "Vận động nhân dân đóng góp bê tông hóa hẻm 12", "dan van",
              "800 mét", Some(d(2019, 11, 30)), &[], ""),
            c(INSPECTOR, "Giải quyết dứt điểm đơn thư khiếu nại thuộc thẩm quyền", "Giải quyết khiếu nại, tố cáo",
              "100% đơn thư", Some(d(2019, 12, 31)), &[], ""),
            c(INSPECTOR, "Thực hiện tốt công tác tiếp công dân định kỳ tại trụ sở", "Thanh tra viên",
              "3 buổi/tháng", Some(d(2019, 12, 31)), &[], ""),
            c(INSPECTOR, "Hoàn thành báo cáo chuyên đề về nguyên nhân khiếu nại đông người trong lĩnh vực đất đai",
              "Thanh tra", "01 báo cáo chuyên đề", Some(d(2019, 6, 30)), &[], ""),
            c(TEACHER, "Phụ đạo học sinh yếu môn Toán lớp 9A vào chiều thứ Bảy", "Giáo viên dạy Toán lớp 9",
              "100% học sinh lên lớp", Some(d(2019, 5, 31)), &[], ""),
            c(TEACHER, "Viết sáng kiến kinh nghiệm về dạy hình học không gian", "Giảng dạy môn Toán",
              "một (01) sáng kiến", Some(d(2019, 3, 15)), &[], ""),
            c(TEACHER, "Tổ chức ôn thi vào lớp 10 cho học sinh lớp 9A", "Chủ nhiệm lớp",
              "3 buổi/tháng", Some(d(2019, 5, 31)), &[], ""),
            c(POLICE, "Tuần tra, kiểm soát bảo đảm an ninh trật tự địa bàn khu phố 3 vào ban đêm", "Cảnh sát khu vực",
              "02 buổi/tuần", Some(d(2019, 12, 31)), &[], ""),
            c(POLICE, "Lắp đặt camera an ninh tại các tuyến hẻm bằng nguồn xã hội hóa",
              "Phụ trách an ninh trật tự địa bàn khu phố 3", "12 camera", Some(d(2019, 9, 30)), &[], ""),
            c(RETIRED, "Vận động con cháu và các hộ trong tổ dân phố 7 phân loại rác tại nguồn", "Gia đình và nơi cư trú",
              "25 hộ", Some(d(2019, 8, 31)), &[], ""),
            c(RETIRED, "Tham gia tổ hòa giải ở cơ sở, hòa giải các mâu thuẫn trong tổ dân phố", "Nơi cư trú",
              "100% vụ việc được hòa giải", Some(d(2019, 12, 31)), &[], ""),
            c(RETIRED, "Ủng hộ quỹ khuyến học của khu phố", "Gia đình và nơi cư trú",
              "1.500.000 đồng", Some(d(2019, 12, 31)), &[], ""),
            c(HEAD, "Chỉ đạo hoàn thành tuyến đường giao thông nông thôn ấp 3", "Xây dựng nông thôn mới",
              "Tuyến đường ấp 3 dài 1,2 km", Some(d(2019, 11, 30)), &[], ""),
            c(HEAD, "Huy động nguồn lực xã hội hóa làm đường giao thông nông thôn", "Chủ tịch UBND xã",
              "1,5 tỷ đồng", Some(d(2019, 12, 31)), &[], ""),
            c(RETIRED, "Tham gia đầy đủ các buổi sinh hoạt chi bộ", "Sinh hoạt chi bộ",
              "12/12 buổi", Some(d(2019, 12, 31)), &[], ""),
            c(RETIRED, "Tích cực tuyên truyền nhân dân không đốt vàng mã", "cong tac tuyen truyen",
              "02 buổi", Some(d(2019, 7, 31)), &[], ""),
            c(INSPECTOR, "Thực hiện tốt việc tiếp dân, giải quyết dứt điểm 100% đơn thư trước ngày 30/11/2019",
              "Tiếp công dân", "100% đơn thư", Some(d(2019, 11, 30)), &[], ""),
            // Vague ones.
            c(RETIRED, "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước",
              "Tu dưỡng, rèn luyện đạo đức, lối sống", "", None, &[Vague, NoTarget, NoDeadline],
              "(\"chấp hành tốt\")"),
            c(TEACHER, "Nâng cao ý thức tự học", "Học tập lý luận chính trị", "Tốt",
              Some(d(2019, 12, 31)), &[Vague, NoTarget], "\"nâng cao ý thức\""),
            c(POLICE, "Thực hiện nghiêm quy định những điều đảng viên không được làm",
              "Tu dưỡng, rèn luyện đạo đức, lối sống", "", Some(d(2019, 12, 31)), &[Vague, NoTarget],
              "\"thực hiện nghiêm\""),
            c(INSPECTOR, "Tích cực tham gia các phong trào thi đua của cơ quan", "Công tác đoàn thể",
              "Hoàn thành", Some(d(2019, 12, 31)), &[Vague, NoTarget], "\"tích cực\""),
            c(RETIRED, "Luôn luôn gương mẫu, giữ gìn phẩm chất đạo đức của người đảng viên", "", "", None,
              &[Vague, NotTiedToDuty, NoTarget, NoDeadline], "\"luôn luôn\", \"gương mẫu\", \"giữ gìn phẩm chất\""),
            c(TEACHER, "Không ngừng học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
              "Tu dưỡng, rèn luyện đạo đức, lối sống", "Cao", Some(d(2019, 12, 31)), &[Vague, NoTarget],
              "\"không ngừng\""),
            c(RETIRED, "Nâng cao chất lượng sinh hoạt chi bộ", "Sinh hoạt chi bộ", "",
              Some(d(2019, 12, 31)), &[Vague, NoTarget], "\"nâng cao chất lượng\""),
            c(DAN_VAN, "Hoàn thành tốt nhiệm vụ được giao", "Công tác chuyên môn", "Hoàn thành tốt",
              Some(d(2019, 12, 31)), &[Vague, NoTarget], "\"hoàn thành tốt nhiệm vụ\""),
            c(POLICE, "Chap hanh nghiem tuc noi quy, quy che co quan", "Cảnh sát khu vực", "",
              Some(d(2019, 12, 31)), &[Vague, NoTarget], "\"chấp hành nghiêm túc\""),
            c(TEACHER, "Gương mẫu chấp hành luật giao thông", "Trách nhiệm nêu gương", "",
              Some(d(2019, 12, 31)), &[Vague, NoTarget], "\"gương mẫu\""),
            c(DAN_VAN, "", "Công tác dân vận", "15 hộ", Some(d(2019, 9, 30)), &[Vague],
              "Chưa ghi nội dung"),
            // Concrete but missing something.
            c(DAN_VAN, "Vận động hộ dân hiến đất mở rộng hẻm", "Công tác dân vận", "",
              Some(d(2019, 9, 30)), &[NoTarget], "Chưa có chỉ tiêu đo được: ghi số lượng kèm đơn vị (ví dụ \"15 hộ\", \"100% đơn thư\") hoặc sản phẩm cụ thể (ví dụ \"01 báo cáo chuyên đề\")"),
            c(DAN_VAN, "Tích cực vận động hộ dân hiến đất mở rộng hẻm", "Công tác dân vận", "15",
              Some(d(2019, 9, 30)), &[NoTarget], "có số 15 nhưng chưa có đơn vị"),
            c(RETIRED, "Trồng rau sạch bán cho các bếp ăn tập thể", "Kinh doanh", "200 kg",
              Some(d(2019, 9, 30)), &[NotTiedToDuty], "\"Kinh doanh\" không khớp"),
            c(TEACHER, "Dạy thêm tiếng Anh cho học sinh lớp 6", "Công tác", "02 lớp",
              Some(d(2019, 9, 30)), &[NotTiedToDuty], "\"Công tác\" không khớp"),
            c(DAN_VAN, "Vận động 15 hộ dân hiến đất mở rộng hẻm 3", "Công tác dân vận", "15 hộ",
              Some(d(2020, 1, 15)), &[NoDeadline], "Hạn hoàn thành 15/01/2020 nằm ngoài năm đăng ký 2019"),
            c(DAN_VAN, "Vận động 15 hộ dân hiến đất mở rộng hẻm 3", "Công tác dân vận", "15 hộ",
              Some(d(2018, 12, 20)), &[NoDeadline], "Hạn hoàn thành 20/12/2018 nằm trước năm đăng ký 2019"),
            c(DAN_VAN, "Vận động 15 hộ dân hiến đất mở rộng hẻm 3", "Công tác dân vận", "15 hộ",
              None, &[NoDeadline], "Chưa có hạn hoàn thành"),
        ]
    }

    #[test]
    fn items_both_ways() {
        let all = cases();
        assert!(all.len() >= 25);
        let mut passing = 0;
        for case in &all {
            let own = duties(case.who);
            let ctx = DutyContext::new(&own);
            let item = ItemInput {
                content: case.content,
                duty: case.duty,
                target: case.target,
                deadline: case.deadline,
            };
            let notes = check_item(&item, &ctx, 2019);
            assert_eq!(
                flags(&notes),
                case.expect,
                "{:?} → {notes:#?}",
                case.content
            );
            if case.expect.is_empty() {
                passing += 1;
            } else {
                assert!(
                    notes[0].message.contains(case.says),
                    "{:?}: {:?} should contain {:?}",
                    case.content,
                    notes[0].message,
                    case.says
                );
            }
            for n in &notes {
                assert!(!n.message.is_empty());
                assert_ne!(n.flag, Flag::Copied);
            }
        }
        assert!(passing >= 12, "{passing} passing cases");
    }

    #[test]
    fn vague_message_is_the_documented_one() {
        let own = duties(RETIRED);
        let ctx = DutyContext::new(&own);
        let item = ItemInput {
            content: "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước",
            duty: "Tu dưỡng, rèn luyện đạo đức, lối sống",
            target: "",
            deadline: Some(d(2019, 12, 31)),
        };
        let notes = check_item(&item, &ctx, 2019);
        assert_eq!(
            notes[0].message,
            "Nội dung chỉ gồm cụm từ chung chung (\"chấp hành tốt\"): hãy ghi rõ việc gì, cho ai, bao nhiêu và khi nào xong"
        );
        assert_eq!(
            notes[1].message,
            "Chưa có chỉ tiêu đo được: ghi số lượng kèm đơn vị (ví dụ \"15 hộ\", \"100% đơn thư\") hoặc sản phẩm cụ thể (ví dụ \"01 báo cáo chuyên đề\")"
        );
    }

    #[test]
    fn a_generic_phrase_with_an_object_passes_even_without_target() {
        let own = duties(DAN_VAN);
        let ctx = DutyContext::new(&own);
        // Not vague (an object is named) though it still lacks a measurable target.
        let item = ItemInput {
            content: "Thực hiện tốt việc tiếp công dân định kỳ tại trụ sở khu phố",
            duty: "Công tác dân vận",
            target: "",
            deadline: Some(d(2019, 6, 30)),
        };
        assert_eq!(flags(&check_item(&item, &ctx, 2019)), [Flag::NoTarget]);
    }

    #[test]
    fn deadline_edges() {
        let within = [d(2019, 1, 1), d(2019, 6, 30), d(2019, 12, 31)];
        for day in within {
            assert_eq!(deadline_note(Some(day), 2019), None, "{day}");
        }
        let before = deadline_note(Some(d(2018, 12, 31)), 2019).unwrap();
        assert!(
            before.starts_with("Hạn hoàn thành 31/12/2018 nằm trước năm đăng ký 2019"),
            "{before}"
        );
        let after = deadline_note(Some(d(2020, 1, 1)), 2019).unwrap();
        assert!(
            after.starts_with("Hạn hoàn thành 01/01/2020 nằm ngoài năm đăng ký 2019"),
            "{after}"
        );
        assert!(deadline_note(None, 2019).unwrap().contains("31/12/2019"));
        // Extreme years do not overflow.
        assert!(deadline_note(Some(d(2019, 1, 1)), i32::MAX).is_some());
        assert!(deadline_note(Some(d(2019, 1, 1)), i32::MIN).is_some());
    }

    #[test]
    fn duty_matching() {
        let own = duties(TEACHER);
        let ctx = DutyContext::new(&own);
        let tied = |duty: &str| duty_note(duty, &ctx).is_none();
        assert!(tied("Giáo viên dạy Toán lớp 9"));
        assert!(tied("giao vien day toan lop 9"));
        assert!(tied("Dạy Toán"));
        assert!(tied("Chủ nhiệm lớp 9A"));
        assert!(tied("Công tác chuyên môn"));
        assert!(tied("Chuyên môn"));
        assert!(tied("Công tác Đảng"));
        assert!(tied("Phòng chống tham nhũng"));
        assert!(tied("Công tác dân vận ở khu dân cư"));
        assert!(!tied(""));
        assert!(!tied("Công tác"));
        assert!(!tied("Nhiệm vụ"));
        assert!(!tied("Du lịch, nghỉ dưỡng"));
        assert!(!tied("Kinh doanh"));
        // Without the field list only the member's own duties count.
        let only_own = DutyContext {
            duties: &own,
            fields: &[],
        };
        assert!(duty_note("Công tác dân vận", &only_own).is_some());
        assert!(duty_note("Dạy Toán", &only_own).is_none());
    }

    #[test]
    fn reference_data_is_sound() {
        assert!((10..=15).contains(&FIELDS.len()));
        assert!((30..=50).contains(&VAGUE_PHRASES.len()));
        for list in [FIELDS, VAGUE_PHRASES, GENERIC_PHRASES, DELIVERABLE_WORDS] {
            let mut folded: Vec<String> = list.iter().map(|p| fold(p)).collect();
            assert!(folded.iter().all(|f| !f.is_empty()));
            folded.sort();
            let n = folded.len();
            folded.dedup();
            assert_eq!(n, folded.len(), "duplicates in {list:?}");
        }
        for w in STOP_WORDS {
            assert_eq!(fold(w), *w, "stop words are folded");
        }
        // Every field is tied to itself.
        let ctx = DutyContext::new(&[]);
        for f in FIELDS {
            assert_eq!(duty_note(f, &ctx), None, "{f}");
        }
    }

    #[test]
    fn flags_codes_and_labels() {
        for f in Flag::ALL {
            assert_eq!(Flag::parse(f.as_str()), Some(f));
            assert!(!f.label().is_empty());
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// Vietnamese-looking text: syllables from the reference lists and everyday words, digits,
    /// punctuation, with and without diacritics, upper and lower case.
    fn viet_text() -> impl Strategy<Value = String> {
        let mut pieces: Vec<String> = VAGUE_PHRASES
            .iter()
            .chain(GENERIC_PHRASES)
            .chain(DELIVERABLE_WORDS)
            .chain(FIELDS)
            .map(|s| (*s).to_owned())
            .collect();
        pieces.extend(
            [
                "vận động",
                "hộ",
                "hộ dân",
                "15",
                "1.500.000",
                "1,5",
                "100%",
                "%",
                "đồng",
                "mét",
                "buổi/tháng",
                "(01)",
                "một",
                "hai mươi lăm",
                "năm",
                "bà",
                "ba",
                "số",
                "hẻm 3",
                "tháng 9",
                "30/9/2019",
                "12/12",
                "tỷ",
                "ĐẢNG",
                "Đảng",
                "đ",
                "Ð",
                ",",
                ".",
                "'",
                "\"",
                "“",
                "”",
                "/",
                "-",
                "(",
                ")",
                "tự học",
                "khu phố",
                "dân vận",
                "NÂNG CAO Ý THỨC",
                "cong tac",
                "\u{200B}",
                "e\u{301}",
                "  ",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        prop::collection::vec(prop::sample::select(pieces), 0..12).prop_map(|v| v.join(" "))
    }

    fn deadline() -> impl Strategy<Value = Option<NaiveDate>> {
        prop::option::of((2015i32..2023, 1u32..=12, 1u32..=28))
            .prop_map(|o| o.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)))
    }

    fn own_duties() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(
            prop::sample::select(vec![
                "Cán bộ phụ trách công tác dân vận phường".to_owned(),
                "Giáo viên dạy Toán lớp 9".to_owned(),
                "Thanh tra viên".to_owned(),
                String::new(),
            ]),
            0..3,
        )
    }

    fn check(
        content: &str,
        duty: &str,
        target: &str,
        dl: Option<NaiveDate>,
        own: &[String],
        year: i32,
    ) -> Vec<FlagNote> {
        let ctx = DutyContext::new(own);
        check_item(
            &ItemInput {
                content,
                duty,
                target,
                deadline: dl,
            },
            &ctx,
            year,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn check_item_never_panics_on_arbitrary_strings(
            content in any::<String>(), duty in any::<String>(), target in any::<String>(),
            dl in deadline(), own in prop::collection::vec(any::<String>(), 0..3), year in any::<i32>(),
        ) {
            let notes = check(&content, &duty, &target, dl, &own, year);
            let fs: Vec<Flag> = notes.iter().map(|n| n.flag).collect();
            prop_assert!(!fs.contains(&Flag::Copied));
            // In the documented order, each at most once.
            let order: Vec<usize> = fs.iter().map(|f| Flag::ALL.iter().position(|a| a == f).unwrap()).collect();
            prop_assert!(order.windows(2).all(|w| w[0] < w[1]), "{:?}", fs);
            prop_assert!(notes.iter().all(|n| !n.message.is_empty()));
        }

        #[test]
        fn check_item_never_panics_on_vietnamese_like_text(
            content in viet_text(), duty in viet_text(), target in viet_text(), dl in deadline(), own in own_duties(),
        ) {
            let _ = check(&content, &duty, &target, dl, &own, 2019);
        }

        #[test]
        fn folding_the_content_never_changes_the_flags(
            content in viet_text(), duty in viet_text(), target in viet_text(), dl in deadline(), own in own_duties(),
        ) {
            let plain = check(&content, &duty, &target, dl, &own, 2019);
            let folded = check(&fold(&content), &duty, &target, dl, &own, 2019);
            prop_assert_eq!(&plain, &folded);
            // Upper case changes nothing either.
            let upper = check(&content.to_uppercase(), &duty, &target, dl, &own, 2019);
            prop_assert_eq!(plain, upper);
        }

        #[test]
        fn folding_the_duty_never_changes_the_flags(
            content in viet_text(), duty in viet_text(), target in viet_text(), dl in deadline(), own in own_duties(),
        ) {
            let plain: Vec<Flag> = check(&content, &duty, &target, dl, &own, 2019).iter().map(|n| n.flag).collect();
            let folded: Vec<Flag> = check(&content, &fold(&duty), &target, dl, &own, 2019).iter().map(|n| n.flag).collect();
            prop_assert_eq!(plain, folded);
        }

        #[test]
        fn parse_target_of_n_ho_gives_n(n in 0u32..100_000) {
            let t = parse_target(&format!("{n} hộ")).unwrap();
            prop_assert_eq!(t.number, Some(f64::from(n)));
            prop_assert_eq!(t.unit.as_deref(), Some("hộ"));
            prop_assert!(!t.percent && !t.deliverable);
        }

        #[test]
        fn grouped_amounts_read_back(n in 0i64..1_000_000_000_000) {
            let t = parse_target(&format!("{} đồng", crate::text::format_int(n))).unwrap();
            prop_assert_eq!(t.number, Some(n as f64));
            prop_assert_eq!(t.unit.as_deref(), Some("đồng"));
        }

        #[test]
        fn decimals_read_back(whole in 0u32..1000, tenths in 0u32..10) {
            let t = parse_target(&format!("{whole},{tenths} tỷ đồng")).unwrap();
            let expect = f64::from(whole) + f64::from(tenths) / 10.0;
            prop_assert!((t.number.unwrap() - expect).abs() < 1e-9);
            prop_assert_eq!(t.unit.as_deref(), Some("tỷ đồng"));
        }

        #[test]
        fn parsed_targets_keep_their_invariants(s in prop_oneof![any::<String>(), viet_text()]) {
            if let Some(t) = parse_target(&s) {
                prop_assert_eq!(t.number.is_some(), t.unit.is_some());
                prop_assert!(!t.percent || t.number.is_some());
                prop_assert!(t.number.is_some() || t.deliverable);
                prop_assert!(t.number.is_none_or(f64::is_finite));
                prop_assert_eq!(t.text, normalize(&s));
            }
        }

        #[test]
        fn deadline_flag_iff_outside_the_year(y in 2000i32..2040, dl in deadline()) {
            let notes = check("Vận động 15 hộ dân hiến đất", "Công tác dân vận", "15 hộ", dl, &[], y);
            let flagged = notes.iter().any(|n| n.flag == Flag::NoDeadline);
            prop_assert_eq!(flagged, dl.is_none_or(|d| d.year() != y));
        }
    }
}
