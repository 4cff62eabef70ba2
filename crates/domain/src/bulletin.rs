//! The loudspeaker bulletin ("bản tin phát thanh") of a ward or commune: the commitments of its heads
//! and key cadres published for the period, results of good-practice models and how citizen
//! feedback was answered. [`compose`] writes it once; [`Bulletin::written`] gives the printed text
//! (numbers as digits: 3.520, 98,5%, dd/mm/yyyy) and [`Bulletin::spoken`] the script an announcer
//! reads aloud (every number and date in words, abbreviations expanded, no web address).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::speech;
use crate::text::{format_date, format_int, normalize};

/// Everything a bulletin is made of, as loaded for one unit and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinInput {
    /// "Phường 7".
    pub unit_name: String,
    /// "Thành phố Bến Tre" (may be empty).
    pub parent_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub issued_on: NaiveDate,
    /// Absolute URL of the unit's public page.
    pub portal_url: String,
    pub registrations: Vec<BulletinRegistration>,
    pub model_results: Vec<BulletinModelResult>,
    /// Citizen feedback answered in the period.
    pub feedback_answered: usize,
    /// Citizen feedback still waiting for an answer.
    pub feedback_open: usize,
}

/// The published registration of one head or key cadre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinRegistration {
    pub name: String,
    pub position: String,
    pub year: i32,
    pub items: Vec<BulletinItem>,
}

/// One commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinItem {
    pub content: String,
    pub target: String,
    pub deadline: Option<NaiveDate>,
    /// "Đã hoàn thành, người dân xác nhận" ([`crate::feedback::Completion::spoken_label`]), or ""
    /// when not reported.
    pub progress: String,
}

/// The latest measured result of a good-practice model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinModelResult {
    pub model_name: String,
    pub owner_unit: String,
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    pub measured_on: NaiveDate,
}

/// A composed bulletin, in written form (numbers as digits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bulletin {
    /// "THÔNG BÁO".
    pub title: String,
    /// "Về việc công khai nội dung đăng ký …".
    pub subtitle: String,
    /// The address to listeners: "Kính thưa bà con nhân dân …".
    pub opening: String,
    pub sections: Vec<BulletinSection>,
    /// Invitation to follow and send feedback (with the portal address) and the key message.
    pub closing: String,
    pub portal_url: String,
    pub unit_name: String,
    pub parent_name: String,
    pub issued_on: NaiveDate,
}

/// A headed part of the bulletin. Every paragraph stands on its own when read aloud.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinSection {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// Whether [`Bulletin::spoken`] reads the heading before the paragraphs (false when the first
    /// paragraph already says it, as for a registration: "Đồng chí …").
    pub read_heading: bool,
}

/// The title of every bulletin.
pub const TITLE: &str = "THÔNG BÁO";

/// The campaign, as named in Chỉ thị 05-CT/TW.
const CAMPAIGN: &str = "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh";

/// The place a unit serves, as listeners say it: "Đảng bộ xã Sơn Đông" → "xã Sơn Đông", "Chi bộ ấp 3"
/// → "ấp 3"; other names unchanged.
pub fn locality(unit_name: &str) -> String {
    for prefix in ["Đảng bộ ", "Đảng ủy ", "Chi bộ "] {
        if let Some(rest) = unit_name.strip_prefix(prefix) {
            if !rest.trim().is_empty() {
                return rest.trim().to_owned();
            }
        }
    }
    unit_name.to_owned()
}

/// The organ that issues a notice for a unit: a committee's "Đảng bộ xã Sơn Đông" is signed by its
/// "Đảng ủy xã Sơn Đông"; other names unchanged.
pub fn issuing_organ(unit_name: &str) -> String {
    match unit_name.strip_prefix("Đảng bộ ") {
        Some(rest) if !rest.trim().is_empty() => format!("Đảng ủy {}", rest.trim()),
        _ => unit_name.to_owned(),
    }
}

/// The place name of the date line ("Sơn Đông, ngày …"): the locality without "xã" / "thị trấn";
/// "Phường 7" stays whole.
pub fn place_name(unit_name: &str) -> String {
    let place = locality(unit_name);
    for prefix in ["xã ", "Xã ", "thị trấn ", "Thị trấn "] {
        if let Some(rest) = place.strip_prefix(prefix) {
            if !rest.trim().is_empty() {
                return rest.trim().to_owned();
            }
        }
    }
    place
}

/// "thứ nhất", "thứ hai", …, "thứ tư", …, "thứ mười", "thứ mười một", ….
pub fn ordinal(n: usize) -> String {
    match n {
        1 => "thứ nhất".to_owned(),
        4 => "thứ tư".to_owned(),
        _ => format!("thứ {}", speech::number_words(n as u64)),
    }
}

/// Lower-cases the first letter when the second is lower case too ("Tuyên truyền" → "tuyên
/// truyền", but "UBND" stays), for text continuing a sentence.
fn continue_sentence(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            let mut out: String = first.to_lowercase().collect();
            out.push_str(&s[first.len_utf8()..]);
            out
        }
        _ => s.to_owned(),
    }
}

/// Normalised text without the punctuation that would end or break the enclosing sentence.
fn clause(s: &str) -> String {
    normalize(s)
        .trim_end_matches(['.', ';', ',', ':'])
        .trim_end()
        .to_owned()
}

fn item_text(item: &BulletinItem) -> String {
    let mut text = continue_sentence(&clause(&item.content));
    if text.is_empty() {
        text.push_str("(chưa ghi nội dung)");
    }
    let mut details = Vec::new();
    let target = clause(&item.target);
    if !target.is_empty() {
        details.push(format!("chỉ tiêu {}", continue_sentence(&target)));
    }
    if let Some(d) = item.deadline {
        details.push(format!("thời hạn {}", format_date(d)));
    }
    let progress = clause(&item.progress);
    if !progress.is_empty() {
        details.push(format!("tiến độ: {}", continue_sentence(&progress)));
    }
    if !details.is_empty() {
        text.push_str(&format!(" ({})", details.join(", ")));
    }
    text
}

fn registration_section(index: usize, r: &BulletinRegistration) -> BulletinSection {
    let name = normalize(&r.name);
    let position = clause(&r.position);
    let who = if position.is_empty() {
        format!("Đồng chí {name}")
    } else {
        format!("Đồng chí {name}, {position}")
    };
    let paragraph = if r.items.is_empty() {
        format!(
            "{who}, đăng ký năm {}; nội dung cụ thể chưa được công khai.",
            r.year
        )
    } else {
        let items: Vec<String> = r
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}, {}", ordinal(i + 1), item_text(item)))
            .collect();
        format!(
            "{who}, đăng ký năm {} các nội dung: {}.",
            r.year,
            items.join("; ")
        )
    };
    let heading = if position.is_empty() {
        format!("{index}. Đồng chí {name}")
    } else {
        format!("{index}. Đồng chí {name} – {position}")
    };
    BulletinSection {
        heading,
        paragraphs: vec![paragraph],
        read_heading: false,
    }
}

fn model_paragraph(m: &BulletinModelResult) -> String {
    let amount = crate::models::format_amount(m.value, &normalize(&m.unit));
    let owner = normalize(&m.owner_unit);
    let name = normalize(&m.model_name);
    let indicator = clause(&m.indicator);
    let of_owner = if owner.is_empty() {
        String::new()
    } else {
        format!(" của {owner}")
    };
    format!(
        "Mô hình “{name}”{of_owner}: {indicator} đạt {amount} (số liệu ngày {}).",
        format_date(m.measured_on)
    )
}

fn feedback_paragraph(input: &BulletinInput, unit: &str, period: &str) -> String {
    let (answered, open) = (input.feedback_answered, input.feedback_open);
    let count = |n: usize| format_int(i64::try_from(n).unwrap_or(i64::MAX));
    match (answered, open) {
        (0, 0) => format!("{period}, {unit} chưa nhận được ý kiến góp ý, phản ánh nào của nhân dân."),
        (0, o) => format!(
            "{period}, {unit} đã tiếp nhận {} ý kiến góp ý, phản ánh của nhân dân; các ý kiến đang được xem xét, trả lời.",
            count(o)
        ),
        (a, 0) => format!(
            "{period}, {unit} đã trả lời {} ý kiến góp ý, phản ánh của nhân dân; không còn ý kiến nào chờ trả lời.",
            count(a)
        ),
        (a, o) => format!(
            "{period}, {unit} đã trả lời {} ý kiến góp ý, phản ánh của nhân dân; còn {} ý kiến đang được xem xét, trả lời.",
            count(a),
            count(o)
        ),
    }
}

/// Composes the bulletin of `input`: the opening to listeners, one section per registration
/// ("Đồng chí …, đăng ký năm … các nội dung: thứ nhất, …; thứ hai, …"), a section on the models'
/// results (left out when there is none), a section on citizen feedback, and the closing with the
/// portal address. Without registrations the opening says nothing was published in the period.
pub fn compose(input: &BulletinInput) -> Bulletin {
    let unit = normalize(&input.unit_name);
    // Listeners hear the place, not the party organ: "bà con nhân dân xã Sơn Đông".
    let place = locality(&unit);
    let portal_url = input.portal_url.trim().to_owned();
    let period = format!(
        "từ ngày {} đến ngày {}",
        format_date(input.from),
        format_date(input.to)
    );
    let greeting = format!(
        "Kính thưa bà con nhân dân {place}! Thực hiện Chỉ thị 05-CT/TW về đẩy mạnh “Học tập và làm theo \
         tư tưởng, đạo đức, phong cách Hồ Chí Minh”, Đài truyền thanh {place} xin thông báo"
    );
    let opening = if input.registrations.is_empty() {
        format!(
            "{greeting}: {period}, chưa có người đứng đầu, cán bộ chủ chốt nào của {place} \
             công khai nội dung đăng ký {CAMPAIGN}."
        )
    } else {
        format!(
            "{greeting} nội dung đăng ký {CAMPAIGN} của người đứng đầu, cán bộ chủ chốt {place} được \
             công khai {period}. Có {} đồng chí công khai nội dung đăng ký, cụ thể như sau.",
            format_int(i64::try_from(input.registrations.len()).unwrap_or(i64::MAX))
        )
    };

    let mut sections: Vec<BulletinSection> = input
        .registrations
        .iter()
        .enumerate()
        .map(|(i, r)| registration_section(i + 1, r))
        .collect();
    if !input.model_results.is_empty() {
        sections.push(BulletinSection {
            heading: "Kết quả các mô hình, cách làm hay".to_owned(),
            paragraphs: input.model_results.iter().map(model_paragraph).collect(),
            read_heading: true,
        });
    }
    let period_capitalized = format!(
        "Từ ngày {} đến ngày {}",
        format_date(input.from),
        format_date(input.to)
    );
    sections.push(BulletinSection {
        heading: "Tiếp nhận, trả lời ý kiến của nhân dân".to_owned(),
        paragraphs: vec![feedback_paragraph(input, &unit, &period_capitalized)],
        read_heading: false,
    });

    let where_to = if portal_url.is_empty() {
        format!("tại trang công khai của {place} trên Cổng thông tin công khai")
    } else {
        format!(
            "tại trang công khai của {place} trên Cổng thông tin công khai, địa chỉ {portal_url}"
        )
    };
    let invitation = if input.registrations.is_empty() {
        "Nội dung đăng ký sẽ được thông báo đến bà con ngay khi được công khai. Bà con có thể gửi ý \
         kiến góp ý"
    } else {
        "Đề nghị bà con nhân dân theo dõi, giám sát việc thực hiện các nội dung đã đăng ký. Bà con có \
         thể xem đầy đủ nội dung và gửi ý kiến góp ý"
    };
    let closing = format!(
        "{invitation} {where_to} hoặc quét mã QR in trên bản thông báo \
         niêm yết công khai. Mỗi cán bộ, đảng viên học tập và làm theo Bác bằng những việc làm cụ thể, \
         thiết thực hằng ngày; mỗi ý kiến của bà con giúp cán bộ, đảng viên làm tốt hơn những điều đã \
         đăng ký."
    );

    Bulletin {
        title: TITLE.to_owned(),
        subtitle: format!(
            "Về việc công khai nội dung đăng ký {CAMPAIGN} của người đứng đầu, cán bộ chủ chốt"
        ),
        opening,
        sections,
        closing,
        portal_url,
        unit_name: unit,
        parent_name: normalize(&input.parent_name),
        issued_on: input.issued_on,
    }
}

impl Bulletin {
    /// The issuing organ for the header ("Đảng ủy xã Sơn Đông").
    pub fn organ(&self) -> String {
        issuing_organ(&self.unit_name)
    }

    /// The place of the date line ("Sơn Đông").
    pub fn place(&self) -> String {
        place_name(&self.unit_name)
    }

    /// The notice's place-and-date line: "Sơn Đông, ngày 07 tháng 12 năm 2026".
    pub fn dated_line(&self) -> String {
        crate::text::place_date_line(&self.place(), self.issued_on)
    }

    /// Plain text of the written form: title, subtitle, opening, sections with their headings,
    /// closing and the place-and-date line; blank lines between blocks.
    pub fn written(&self) -> String {
        let mut blocks = vec![
            format!("{}\n{}", self.title, self.subtitle),
            self.opening.clone(),
        ];
        for s in &self.sections {
            let mut block = s.heading.clone();
            for p in &s.paragraphs {
                if !block.is_empty() {
                    block.push('\n');
                }
                block.push_str(p);
            }
            blocks.push(block);
        }
        blocks.push(self.closing.clone());
        blocks.push(self.dated_line());
        blocks.join("\n\n")
    }

    /// The script for reading aloud, one paragraph per line with blank lines between: the opening,
    /// the sections (headings only where [`BulletinSection::read_heading`]), the closing with
    /// "tại trang công khai của {unit} trên Cổng thông tin công khai" without the web address, and the sign-off.
    /// Everything goes through [`speech::spoken`]: there is no digit in it.
    pub fn spoken(&self) -> String {
        let mut paragraphs = vec![self.opening.clone()];
        for s in &self.sections {
            if s.read_heading && !s.heading.trim().is_empty() {
                paragraphs.push(format!("{}.", s.heading.trim_end_matches('.')));
            }
            paragraphs.extend(s.paragraphs.iter().cloned());
        }
        let mut closing = self.closing.clone();
        if !self.portal_url.is_empty() {
            closing = closing.replace(&format!(", địa chỉ {}", self.portal_url), "");
            closing = closing.replace(
                &self.portal_url,
                &format!("trang công khai của {}", locality(&self.unit_name)),
            );
        }
        paragraphs.push(closing);
        paragraphs.push(format!(
            "Đài truyền thanh {unit} vừa thông báo về việc công khai nội dung đăng ký {CAMPAIGN} của người đứng đầu, \
             cán bộ chủ chốt {unit}. Xin cảm ơn bà con đã lắng nghe.",
            unit = locality(&self.unit_name)
        ));
        paragraphs
            .iter()
            .map(|p| speech::spoken(p))
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input() -> BulletinInput {
        BulletinInput {
            unit_name: "Phường 7".into(),
            parent_name: "Thành phố Bến Tre".into(),
            from: d(2026, 1, 1),
            to: d(2026, 3, 31),
            issued_on: d(2026, 4, 2),
            portal_url: "https://lamtheo.example.vn/cong-khai/p7".into(),
            registrations: vec![
                BulletinRegistration {
                    name: "Nguyễn Văn An".into(),
                    position: "Bí thư Đảng ủy phường".into(),
                    year: 2026,
                    items: vec![
                        BulletinItem {
                            content: "Vận động nhân dân hiến đất mở rộng hẻm 12".into(),
                            target: "120 m2".into(),
                            deadline: Some(d(2026, 6, 30)),
                            progress: "Đang thực hiện".into(),
                        },
                        BulletinItem {
                            content: "Tiếp dân định kỳ mỗi tháng.".into(),
                            target: "".into(),
                            deadline: None,
                            progress: "Đã hoàn thành".into(),
                        },
                    ],
                },
                BulletinRegistration {
                    name: "Trần Thị Bích".into(),
                    position: "Chủ tịch UBND phường".into(),
                    year: 2026,
                    items: vec![BulletinItem {
                        content: "Giải quyết hồ sơ hành chính đúng hạn".into(),
                        target: "98,5% hồ sơ".into(),
                        deadline: Some(d(2026, 12, 5)),
                        progress: "".into(),
                    }],
                },
            ],
            model_results: vec![BulletinModelResult {
                model_name: "Tuyến hẻm sáng – xanh – sạch".into(),
                owner_unit: "Chi bộ Khu phố 3".into(),
                indicator: "Số hộ tham gia".into(),
                value: 3520.0,
                unit: "hộ".into(),
                measured_on: d(2026, 3, 15),
            }],
            feedback_answered: 12,
            feedback_open: 3,
        }
    }

    #[test]
    fn ordinals_and_values() {
        let got: Vec<String> = (1..=11).map(ordinal).collect();
        assert_eq!(
            got,
            [
                "thứ nhất",
                "thứ hai",
                "thứ ba",
                "thứ tư",
                "thứ năm",
                "thứ sáu",
                "thứ bảy",
                "thứ tám",
                "thứ chín",
                "thứ mười",
                "thứ mười một"
            ]
        );
    }

    #[test]
    fn continue_sentence_keeps_acronyms() {
        assert_eq!(continue_sentence("Tuyên truyền"), "tuyên truyền");
        assert_eq!(continue_sentence("UBND phường"), "UBND phường");
        assert_eq!(continue_sentence("Đang thực hiện"), "đang thực hiện");
        assert_eq!(continue_sentence(""), "");
    }

    const P1: &str = "Đồng chí Nguyễn Văn An, Bí thư Đảng ủy phường, đăng ký năm 2026 các nội dung: thứ nhất, vận động nhân dân hiến đất mở rộng hẻm 12 (chỉ tiêu 120 m2, thời hạn 30/06/2026, tiến độ: đang thực hiện); thứ hai, tiếp dân định kỳ mỗi tháng (tiến độ: đã hoàn thành).";
    const P2: &str = "Đồng chí Trần Thị Bích, Chủ tịch UBND phường, đăng ký năm 2026 các nội dung: thứ nhất, giải quyết hồ sơ hành chính đúng hạn (chỉ tiêu 98,5% hồ sơ, thời hạn 05/12/2026).";
    const URL: &str = "https://lamtheo.example.vn/cong-khai/p7";

    #[test]
    fn composes_the_written_form() {
        let b = compose(&input());
        assert_eq!(b.title, "THÔNG BÁO");
        assert_eq!(
            b.subtitle,
            "Về việc công khai nội dung đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh của người đứng đầu, cán bộ chủ chốt"
        );
        assert_eq!(
            b.opening,
            "Kính thưa bà con nhân dân Phường 7! Thực hiện Chỉ thị 05-CT/TW về đẩy mạnh “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”, Đài truyền thanh Phường 7 xin thông báo nội dung đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh của người đứng đầu, cán bộ chủ chốt Phường 7 được công khai từ ngày 01/01/2026 đến ngày 31/03/2026. Có 2 đồng chí công khai nội dung đăng ký, cụ thể như sau."
        );
        let headings: Vec<&str> = b.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "1. Đồng chí Nguyễn Văn An – Bí thư Đảng ủy phường",
                "2. Đồng chí Trần Thị Bích – Chủ tịch UBND phường",
                "Kết quả các mô hình, cách làm hay",
                "Tiếp nhận, trả lời ý kiến của nhân dân",
            ]
        );
        assert_eq!(b.sections[0].paragraphs, [P1]);
        assert_eq!(b.sections[1].paragraphs, [P2]);
        assert_eq!(
            b.sections[2].paragraphs,
            ["Mô hình “Tuyến hẻm sáng – xanh – sạch” của Chi bộ Khu phố 3: Số hộ tham gia đạt 3.520 hộ (số liệu ngày 15/03/2026)."]
        );
        assert_eq!(
            b.sections[3].paragraphs,
            ["Từ ngày 01/01/2026 đến ngày 31/03/2026, Phường 7 đã trả lời 12 ý kiến góp ý, phản ánh của nhân dân; còn 3 ý kiến đang được xem xét, trả lời."]
        );
        assert_eq!(
            b.closing,
            format!("Đề nghị bà con nhân dân theo dõi, giám sát việc thực hiện các nội dung đã đăng ký. Bà con có thể xem đầy đủ nội dung và gửi ý kiến góp ý tại trang công khai của Phường 7 trên Cổng thông tin công khai, địa chỉ {URL} hoặc quét mã QR in trên bản thông báo niêm yết công khai. Mỗi cán bộ, đảng viên học tập và làm theo Bác bằng những việc làm cụ thể, thiết thực hằng ngày; mỗi ý kiến của bà con giúp cán bộ, đảng viên làm tốt hơn những điều đã đăng ký.")
        );
        assert_eq!(b.portal_url, URL);
        assert_eq!(b.parent_name, "Thành phố Bến Tre");

        let written = b.written();
        assert!(written.starts_with("THÔNG BÁO\nVề việc công khai"));
        assert!(written.contains(&format!(
            "\n\n1. Đồng chí Nguyễn Văn An – Bí thư Đảng ủy phường\n{P1}\n\n"
        )));
        assert!(written.contains(URL));
        assert!(written.ends_with("\n\nPhường 7, ngày 02 tháng 4 năm 2026"));
    }

    #[test]
    fn composes_the_spoken_script() {
        let spoken = compose(&input()).spoken();
        let year = "năm hai nghìn không trăm hai mươi sáu";
        let period =
            format!("từ ngày mùng một tháng một {year} đến ngày ba mươi mốt tháng ba {year}");
        let expected = [
            format!("Kính thưa bà con nhân dân Phường bảy! Thực hiện Chỉ thị số năm của Trung ương về đẩy mạnh “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”, Đài truyền thanh Phường bảy xin thông báo nội dung đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh của người đứng đầu, cán bộ chủ chốt Phường bảy được công khai {period}. Có hai đồng chí công khai nội dung đăng ký, cụ thể như sau."),
            format!("Đồng chí Nguyễn Văn An, Bí thư Đảng ủy phường, đăng ký {year} các nội dung: thứ nhất, vận động nhân dân hiến đất mở rộng hẻm mười hai (chỉ tiêu một trăm hai mươi mét vuông, thời hạn ngày ba mươi tháng sáu {year}, tiến độ: đang thực hiện); thứ hai, tiếp dân định kỳ mỗi tháng (tiến độ: đã hoàn thành)."),
            format!("Đồng chí Trần Thị Bích, Chủ tịch Ủy ban nhân dân phường, đăng ký {year} các nội dung: thứ nhất, giải quyết hồ sơ hành chính đúng hạn (chỉ tiêu chín mươi tám phẩy năm phần trăm hồ sơ, thời hạn ngày mùng năm tháng mười hai {year})."),
            "Kết quả các mô hình, cách làm hay.".to_owned(),
            format!("Mô hình “Tuyến hẻm sáng – xanh – sạch” của Chi bộ Khu phố ba: Số hộ tham gia đạt ba nghìn năm trăm hai mươi hộ (số liệu ngày mười lăm tháng ba {year})."),
            format!("T{}, Phường bảy đã trả lời mười hai ý kiến góp ý, phản ánh của nhân dân; còn ba ý kiến đang được xem xét, trả lời.", &period[1..]),
            "Đề nghị bà con nhân dân theo dõi, giám sát việc thực hiện các nội dung đã đăng ký. Bà con có thể xem đầy đủ nội dung và gửi ý kiến góp ý tại trang công khai của Phường bảy trên Cổng thông tin công khai hoặc quét mã QR in trên bản thông báo niêm yết công khai. Mỗi cán bộ, đảng viên học tập và làm theo Bác bằng những việc làm cụ thể, thiết thực hằng ngày; mỗi ý kiến của bà con giúp cán bộ, đảng viên làm tốt hơn những điều đã đăng ký.".to_owned(),
            "Đài truyền thanh Phường bảy vừa thông báo về việc công khai nội dung đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh của người đứng đầu, cán bộ chủ chốt Phường bảy. Xin cảm ơn bà con đã lắng nghe.".to_owned(),
        ];
        assert_eq!(spoken, expected.join("\n\n"));
        assert!(!spoken.bytes().any(|b| b.is_ascii_digit()), "{spoken}");
        assert!(!spoken.contains("https"));
    }

    #[test]
    fn empty_input_says_nothing_was_published() {
        let empty = BulletinInput {
            registrations: vec![],
            model_results: vec![],
            feedback_answered: 0,
            feedback_open: 0,
            portal_url: String::new(),
            ..input()
        };
        let b = compose(&empty);
        assert_eq!(
            b.opening,
            "Kính thưa bà con nhân dân Phường 7! Thực hiện Chỉ thị 05-CT/TW về đẩy mạnh “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”, Đài truyền thanh Phường 7 xin thông báo: từ ngày 01/01/2026 đến ngày 31/03/2026, chưa có người đứng đầu, cán bộ chủ chốt nào của Phường 7 công khai nội dung đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh."
        );
        assert_eq!(b.sections.len(), 1);
        assert_eq!(
            b.sections[0].paragraphs,
            ["Từ ngày 01/01/2026 đến ngày 31/03/2026, Phường 7 chưa nhận được ý kiến góp ý, phản ánh nào của nhân dân."]
        );
        assert!(b.closing.starts_with("Nội dung đăng ký sẽ được thông báo đến bà con ngay khi được công khai. Bà con có thể gửi ý kiến góp ý tại trang công khai của Phường 7 trên Cổng thông tin công khai hoặc quét mã QR"));
        let spoken = b.spoken();
        assert!(spoken.starts_with("Kính thưa bà con nhân dân Phường bảy!"));
        assert!(spoken.contains("chưa có người đứng đầu, cán bộ chủ chốt nào của Phường bảy"));
        assert!(!spoken.bytes().any(|b| b.is_ascii_digit()), "{spoken}");
        assert!(!b.written().is_empty());
    }

    #[test]
    fn feedback_sentences_and_registrations_without_items() {
        let mut i = input();
        i.feedback_answered = 0;
        i.feedback_open = 1_200;
        i.registrations[1].items.clear();
        i.registrations[1].position = String::new();
        let b = compose(&i);
        assert_eq!(
            b.sections[1].paragraphs,
            ["Đồng chí Trần Thị Bích, đăng ký năm 2026; nội dung cụ thể chưa được công khai."]
        );
        assert_eq!(b.sections[1].heading, "2. Đồng chí Trần Thị Bích");
        assert_eq!(
            b.sections[3].paragraphs,
            ["Từ ngày 01/01/2026 đến ngày 31/03/2026, Phường 7 đã tiếp nhận 1.200 ý kiến góp ý, phản ánh của nhân dân; các ý kiến đang được xem xét, trả lời."]
        );
        i.feedback_answered = 4;
        i.feedback_open = 0;
        let b = compose(&i);
        assert!(b.sections[3].paragraphs[0].ends_with(
            "đã trả lời 4 ý kiến góp ý, phản ánh của nhân dân; không còn ý kiến nào chờ trả lời."
        ));
        assert!(b.spoken().contains("đã trả lời bốn ý kiến"));
    }

    #[test]
    fn percent_values_and_missing_owner() {
        let m = BulletinModelResult {
            model_name: "Dân vận khéo".into(),
            owner_unit: "".into(),
            indicator: "Tỷ lệ hộ đồng thuận".into(),
            value: 98.5,
            unit: "%".into(),
            measured_on: d(2026, 2, 1),
        };
        assert_eq!(
            model_paragraph(&m),
            "Mô hình “Dân vận khéo”: Tỷ lệ hộ đồng thuận đạt 98,5% (số liệu ngày 01/02/2026)."
        );
    }

    #[test]
    fn organ_and_place_of_the_notice() {
        assert_eq!(issuing_organ("Đảng bộ xã Sơn Đông"), "Đảng ủy xã Sơn Đông");
        assert_eq!(issuing_organ("Chi bộ ấp 3"), "Chi bộ ấp 3");
        assert_eq!(place_name("Đảng bộ xã Sơn Đông"), "Sơn Đông");
        assert_eq!(place_name("Đảng bộ Phường 7"), "Phường 7");
        assert_eq!(place_name("Phường 7"), "Phường 7");
    }

    #[test]
    fn listeners_hear_the_place() {
        assert_eq!(locality("Đảng bộ xã Sơn Đông"), "xã Sơn Đông");
        assert_eq!(locality("Chi bộ ấp Bình Thạnh"), "ấp Bình Thạnh");
        assert_eq!(locality("Phường 7"), "Phường 7");
        assert_eq!(locality("Đảng bộ "), "Đảng bộ ");
    }
}
