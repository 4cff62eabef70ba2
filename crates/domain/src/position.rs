//! Positions (chức vụ) as structured data: a [`Post`] held in a [`Body`] — in a unit of the tree when the
//! body is one — from a date to a date. "Head" (người đứng đầu) and "key cadre" (cán bộ chủ chốt) are defined
//! here, once, from posts (docs/DOMAIN.md § Positions).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::UnitType;

/// What a position is, independent of where it is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// Bí thư.
    Secretary,
    /// Phó Bí thư (also "Phó Bí thư Thường trực").
    DeputySecretary,
    /// Ủy viên Ban Thường vụ.
    StandingMember,
    /// Ủy viên Ban Chấp hành, cấp ủy viên, đảng ủy viên, chi ủy viên.
    CommitteeMember,
    /// Chủ nhiệm Ủy ban Kiểm tra.
    InspectionChair,
    /// Chủ tịch.
    Chair,
    /// Phó Chủ tịch.
    ViceChair,
    /// Trưởng (ban, phòng, khu phố, ấp, công an), Giám đốc, Chỉ huy trưởng, Chánh Văn phòng.
    Chief,
    /// Phó trưởng, Phó Giám đốc, Phó Chỉ huy trưởng.
    DeputyChief,
    /// A job that is not a leading post (công chức, giáo viên, cảnh sát khu vực …).
    Staff,
    /// The title could not be mapped: listed for review.
    Unknown,
}

impl Post {
    pub const ALL: [Post; 11] = [
        Post::Secretary,
        Post::DeputySecretary,
        Post::StandingMember,
        Post::CommitteeMember,
        Post::InspectionChair,
        Post::Chair,
        Post::ViceChair,
        Post::Chief,
        Post::DeputyChief,
        Post::Staff,
        Post::Unknown,
    ];

    /// Stable identifier stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Post::Secretary => "secretary",
            Post::DeputySecretary => "deputy_secretary",
            Post::StandingMember => "standing_member",
            Post::CommitteeMember => "committee_member",
            Post::InspectionChair => "inspection_chair",
            Post::Chair => "chair",
            Post::ViceChair => "vice_chair",
            Post::Chief => "chief",
            Post::DeputyChief => "deputy_chief",
            Post::Staff => "staff",
            Post::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Post> {
        Post::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// The Vietnamese word for the post alone.
    pub fn label(self) -> &'static str {
        match self {
            Post::Secretary => "Bí thư",
            Post::DeputySecretary => "Phó Bí thư",
            Post::StandingMember => "Ủy viên Ban Thường vụ",
            Post::CommitteeMember => "Cấp ủy viên",
            Post::InspectionChair => "Chủ nhiệm Ủy ban Kiểm tra",
            Post::Chair => "Chủ tịch",
            Post::ViceChair => "Phó Chủ tịch",
            Post::Chief => "Trưởng",
            Post::DeputyChief => "Cấp phó",
            Post::Staff => "Chức danh khác",
            Post::Unknown => "Chưa xác định",
        }
    }
}

/// The kind of organisation a post is held in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// A party organisation: Thành ủy, đảng bộ, chi bộ (a unit of the tree).
    Party,
    /// The state: HĐND, UBND, công an, quân sự, phòng ban.
    Government,
    /// Ủy ban Mặt trận Tổ quốc.
    Front,
    /// Đoàn thể: Đoàn Thanh niên, Hội Phụ nữ, Hội Nông dân, Hội Cựu chiến binh, Công đoàn …
    Mass,
    /// Khu phố, ấp, tổ dân phố.
    Neighbourhood,
    /// Anything else (a school, a company, a department of an agency).
    Other,
}

impl Body {
    pub const ALL: [Body; 6] = [
        Body::Party,
        Body::Government,
        Body::Front,
        Body::Mass,
        Body::Neighbourhood,
        Body::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Body::Party => "party",
            Body::Government => "government",
            Body::Front => "front",
            Body::Mass => "mass",
            Body::Neighbourhood => "neighbourhood",
            Body::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Body> {
        Body::ALL.into_iter().find(|b| b.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Body::Party => "Tổ chức đảng",
            Body::Government => "Chính quyền",
            Body::Front => "Mặt trận",
            Body::Mass => "Đoàn thể",
            Body::Neighbourhood => "Khu phố, ấp",
            Body::Other => "Cơ quan, đơn vị khác",
        }
    }
}

/// A party post a member holds, with the unit of the tree it is held in: what the approval and rating chain
/// needs to know about a member (who is the bí thư of which party unit, who sits on which standing committee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyPost {
    pub post: Post,
    pub unit_id: i64,
    /// Materialised path of the party unit ("/1/5/").
    pub unit_path: String,
    pub unit_type: UnitType,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PartyPost {
    /// Held on `date`: `from <= date < to` (open ends hold).
    pub fn held_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date < t)
    }
}

/// What a free-text title says: the post, the kind of body it is held in, and the name of that body as written
/// in the title ("Bí thư Đảng ủy Phường 7" → Secretary, Party, "Đảng ủy Phường 7").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedTitle {
    pub post: Post,
    pub body: Body,
    /// The body as written (original spelling), possibly empty ("Chi ủy viên" → "Chi ủy").
    pub body_name: String,
}

/// Post prefixes (folded words), longest first within each post; the body is read from the rest of the title.
const SECRETARY: &[&str] = &["bi thu"];
const STANDING: &[&str] = &["uy vien ban thuong vu", "uy vien thuong vu", "thuong vu"];
/// "X ủy viên": a member of the committee X; the body name is "X ủy".
const COMMITTEE_OF: &[(&str, &str)] = &[
    ("dang uy vien", "Đảng ủy"),
    ("chi uy vien", "Chi ủy"),
    ("cap uy vien", "Cấp ủy"),
    ("thanh uy vien", "Thành ủy"),
    ("tinh uy vien", "Tỉnh ủy"),
    ("huyen uy vien", "Huyện ủy"),
    ("quan uy vien", "Quận ủy"),
    ("thi uy vien", "Thị ủy"),
];
const COMMITTEE: &[&str] = &["uy vien ban chap hanh", "uy vien bch", "uy vien"];
const INSPECTION: &[&str] = &["chu nhiem uy ban kiem tra", "chu nhiem ubkt"];
const CHAIR: &[&str] = &["chu tich"];
/// Chiefs, with the body a bare title implies (None: read it from the rest).
const CHIEF: &[(&str, Option<Body>)] = &[
    ("chi huy truong", Some(Body::Government)),
    ("chi hoi truong", Some(Body::Mass)),
    ("chanh van phong", None),
    ("chanh an", Some(Body::Government)),
    ("vien truong", Some(Body::Government)),
    ("hieu truong", Some(Body::Other)),
    ("to truong", None),
    ("giam doc", None),
    ("thu truong", None),
    ("chu nhiem", None),
    ("truong", None),
    ("chi huy pho", Some(Body::Government)),
];
/// Jobs that are not leading posts, with the body they imply.
const STAFF: &[(&str, Body)] = &[
    ("cong chuc", Body::Government),
    ("can bo cong an", Body::Government),
    ("canh sat", Body::Government),
    ("chien si", Body::Government),
    ("dieu tra vien", Body::Government),
    ("si quan", Body::Government),
    ("quan nhan", Body::Government),
    ("chinh tri vien", Body::Government),
    ("tro ly", Body::Government),
    ("thanh tra vien", Body::Government),
    ("kiem sat vien", Body::Government),
    ("tham phan", Body::Government),
    ("can bo khong chuyen trach", Body::Government),
    ("can bo tham muu", Body::Government),
    ("vien chuc", Body::Other),
    ("chuyen vien", Body::Other),
    ("can su", Body::Other),
    ("can bo", Body::Other),
    ("nhan vien", Body::Other),
    ("ke toan", Body::Other),
    ("giao vien", Body::Other),
    ("giang vien", Body::Other),
    ("bac si", Body::Other),
    ("dieu duong", Body::Other),
    ("duoc si", Body::Other),
    ("y si", Body::Other),
    ("y ta", Body::Other),
    ("ho sinh", Body::Other),
    ("ky thuat vien", Body::Other),
    ("ky su", Body::Other),
    ("cong nhan", Body::Other),
    ("nong dan", Body::Other),
    ("kinh doanh", Body::Other),
    ("buon ban", Body::Other),
    ("tieu thuong", Body::Other),
    ("lao dong", Body::Other),
    ("noi tro", Body::Other),
    ("huu tri", Body::Other),
    ("sinh vien", Body::Other),
    ("luat su", Body::Other),
    ("to vien", Body::Neighbourhood),
    ("dang vien", Body::Other),
    ("hoi vien", Body::Mass),
    ("doan vien", Body::Mass),
];

/// Party committees named by level ("Thành ủy Bến Tre").
const LEVEL_COMMITTEES: &[&str] = &["thanh uy", "tinh uy", "huyen uy", "quan uy", "thi uy"];

/// The title split into words, each with its folded form.
struct Words<'a> {
    orig: Vec<&'a str>,
    folded: Vec<String>,
}

impl<'a> Words<'a> {
    fn new(title: &'a str) -> Words<'a> {
        let orig: Vec<&str> = title
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        let folded = orig.iter().map(|w| crate::text::fold(w)).collect();
        Words { orig, folded }
    }

    /// The number of words of `prefix` (folded, space-separated) when the words from `at` start with it.
    fn starts(&self, at: usize, prefix: &str) -> Option<usize> {
        let p: Vec<&str> = prefix.split(' ').collect();
        let n = p.len();
        (self.folded.len() >= at + n && self.folded[at..at + n].iter().zip(&p).all(|(a, b)| a == b))
            .then_some(n)
    }

    fn rest(&self, at: usize) -> String {
        self.orig.get(at..).map(|w| w.join(" ")).unwrap_or_default()
    }
}

/// Reads a free-text title ("Bí thư Chi bộ", "Phó Chủ tịch UBND Phường 7", "Trưởng khu phố 3"). Case and
/// diacritics are ignored; anything not recognisable is [`Post::Unknown`] (listed for review).
pub fn parse_title(title: &str) -> ParsedTitle {
    let w = Words::new(title);
    let unknown = ParsedTitle {
        post: Post::Unknown,
        body: Body::Other,
        body_name: String::new(),
    };
    if w.folded.is_empty() {
        return unknown;
    }
    // "Phó …" before the post, "… phó" after it ("Chính trị viên phó", "Chỉ huy phó").
    let deputy = w.starts(0, "pho").is_some();
    let at = usize::from(deputy);
    let of = |n: usize| at + n;
    let parsed = |post: Post, n: usize, default: Option<Body>| {
        let name = w.rest(n);
        let body = body_of(&name).or(default).unwrap_or(Body::Other);
        let post = if deputy { deputy_of(post) } else { post };
        ParsedTitle {
            post,
            body,
            body_name: name,
        }
    };
    for p in SECRETARY {
        if let Some(n) = w.starts(at, p) {
            // "Phó Bí thư Thường trực Thành ủy": "thường trực" qualifies the deputy.
            let n = of(n) + w.starts(of(n), "thuong truc").unwrap_or(0);
            return parsed(Post::Secretary, n, Some(Body::Party));
        }
    }
    for p in INSPECTION {
        if let Some(n) = w.starts(at, p) {
            let mut t = parsed(Post::InspectionChair, of(n), Some(Body::Party));
            t.body = Body::Party;
            return t;
        }
    }
    for p in STANDING {
        if let Some(n) = w.starts(at, p) {
            return parsed(Post::StandingMember, of(n), Some(Body::Party));
        }
    }
    for (p, name) in COMMITTEE_OF {
        if let Some(n) = w.starts(at, p) {
            let mut t = parsed(Post::CommitteeMember, of(n), Some(Body::Party));
            t.body = Body::Party;
            if t.body_name.is_empty() {
                t.body_name = (*name).to_string();
            }
            return t;
        }
    }
    for p in COMMITTEE {
        if let Some(n) = w.starts(at, p) {
            let default = if *p == "uy vien" {
                None
            } else {
                Some(Body::Party)
            };
            let t = parsed(Post::CommitteeMember, of(n), default);
            if t.body_name.is_empty() && default.is_none() {
                return unknown;
            }
            return t;
        }
    }
    for p in CHAIR {
        if let Some(n) = w.starts(at, p) {
            return parsed(Post::Chair, of(n), None);
        }
    }
    for (p, default) in CHIEF {
        if let Some(n) = w.starts(at, p) {
            let mut t = parsed(Post::Chief, of(n), *default);
            if *p == "chi huy pho" {
                t.post = Post::DeputyChief;
            }
            if *p == "truong" && t.body_name.is_empty() {
                return unknown;
            }
            return t;
        }
    }
    for (p, body) in STAFF {
        if let Some(n) = w.starts(at, p) {
            let n = of(n);
            // "Chính trị viên phó".
            let trailing_deputy = w.starts(n, "pho").is_some();
            let name = w.rest(n + usize::from(trailing_deputy));
            let body = body_of(&name).unwrap_or(*body);
            let post = if deputy || trailing_deputy {
                Post::DeputyChief
            } else {
                Post::Staff
            };
            return ParsedTitle {
                post,
                body,
                body_name: name,
            };
        }
    }
    if deputy {
        // "Phó Ban Tổ chức Thành ủy", "Phó Phòng Nội vụ": the deputy head of what follows.
        let name = w.rest(1);
        if let Some(body) = body_of(&name) {
            return ParsedTitle {
                post: Post::DeputyChief,
                body,
                body_name: name,
            };
        }
    }
    unknown
}

fn deputy_of(post: Post) -> Post {
    match post {
        Post::Secretary => Post::DeputySecretary,
        Post::Chair => Post::ViceChair,
        Post::Chief | Post::InspectionChair => Post::DeputyChief,
        other => other,
    }
}

/// The kind of body a body name names ("Đảng ủy Phường 7" → Party, "UBND Phường 7" → Government), `None`
/// when it names none that is recognised (the post's own default applies, else `Other`).
fn body_of(name: &str) -> Option<Body> {
    let t = crate::text::fold(name);
    if t.is_empty() {
        return None;
    }
    let w = Words::new(&t);
    let starts = |p: &str| w.starts(0, p).is_some();
    let has = |p: &str| (0..w.folded.len()).any(|i| w.starts(i, p).is_some());
    let any_start = |ps: &[&str]| ps.iter().any(|p| starts(p));
    if any_start(&["hdnd", "hoi dong nhan dan", "ubnd", "uy ban nhan dan"]) {
        return Some(Body::Government);
    }
    if any_start(&["uy ban mttq", "uy ban mat tran", "mttq", "mat tran"]) {
        return Some(Body::Front);
    }
    if any_start(&[
        "doan",
        "chi doan",
        "hoi",
        "chi hoi",
        "cong doan",
        "lien doan lao dong",
        "lhpn",
        "ccb",
    ]) {
        return Some(Body::Mass);
    }
    if any_start(&[
        "dang uy",
        "dang bo",
        "chi bo",
        "chi uy",
        "ban thuong vu",
        "ban chap hanh",
        "bch",
        "uy ban kiem tra",
        "ubkt",
    ]) || LEVEL_COMMITTEES.iter().any(|p| starts(p))
    {
        return Some(Body::Party);
    }
    if LEVEL_COMMITTEES.iter().any(|p| has(p)) || has("dang uy") || has("dang bo") {
        // "Ban Tổ chức Thành ủy", "Văn phòng Đảng ủy".
        return Some(Body::Party);
    }
    if any_start(&[
        "cong an",
        "ban chi huy quan su",
        "quan su",
        "phong",
        "so",
        "chi cuc",
        "cuc",
        "vien kiem sat",
        "toa an",
        "van phong hdnd",
        "van phong ubnd",
    ]) {
        return Some(Body::Government);
    }
    if any_start(&[
        "khu pho",
        "ap",
        "thon",
        "khom",
        "to dan pho",
        "to nhan dan",
        "to hoa giai",
        "to dan van",
        "khu dan cu",
    ]) {
        return Some(Body::Neighbourhood);
    }
    None
}

/// A unit on the member's chain with its name, for [`resolve_unit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRefWithName {
    pub unit: crate::org::UnitRef,
    pub name: String,
}

/// The folded name of a party committee without its kind ("Đảng bộ Phường 7", "Đảng ủy Phường 7" → "phuong 7").
fn committee_key(folded: &str) -> &str {
    for p in ["dang bo ", "dang uy "] {
        if let Some(rest) = folded.strip_prefix(p) {
            return rest.trim();
        }
    }
    folded.trim()
}

/// The unit of the tree a post is held in, read from the title and the member's unit chain (root first, ending
/// with the member's unit): for a party post, "Chi bộ …"/"Chi ủy" → the member's own cell; "Đảng ủy X"/"Đảng bộ
/// X" → the committee of the chain named X, else the nearest grassroots committee; "Thành ủy …", "Huyện ủy …" →
/// the party committee of the chain with that name, else the nearest. For the front and mass organisations, the
/// unit of the chain of that type whose name matches. `None` otherwise.
pub fn resolve_unit(parsed: &ParsedTitle, chain: &[UnitRefWithName]) -> Option<i64> {
    let folded = crate::text::fold(&parsed.body_name);
    match parsed.body {
        Body::Party => resolve_party(parsed.post, &folded, chain),
        Body::Front | Body::Mass => {
            if folded.is_empty() {
                return None;
            }
            let want = if parsed.body == Body::Front {
                UnitType::Front
            } else {
                UnitType::MassOrganisation
            };
            chain
                .iter()
                .rev()
                .filter(|u| u.unit.unit_type == want)
                .find(|u| {
                    let n = crate::text::fold(&u.name);
                    n == folded || n.contains(&folded) || folded.contains(&n)
                })
                .map(|u| u.unit.id)
        }
        _ => None,
    }
}

fn resolve_party(post: Post, folded: &str, chain: &[UnitRefWithName]) -> Option<i64> {
    let deepest = |f: &dyn Fn(UnitType) -> bool| {
        chain
            .iter()
            .rev()
            .find(|u| f(u.unit.unit_type))
            .map(|u| u.unit.id)
    };
    let own_cell = || deepest(&|t| t.holds_cell_meetings());
    let nearest_grassroots = || {
        deepest(&|t| {
            matches!(
                t,
                UnitType::GrassrootsCommittee | UnitType::PartialCommittee
            )
        })
        .or_else(|| deepest(&|t| t == UnitType::GrassrootsCell))
    };
    let nearest_committee = || deepest(&|t| t == UnitType::PartyCommittee);
    // Where the committee's name starts ("Ban Thường vụ Đảng ủy Phường 7" → "dang uy phuong 7").
    let w = Words::new(folded);
    let start = (0..w.folded.len()).find(|&i| {
        ["chi bo", "chi uy", "dang uy", "dang bo"]
            .iter()
            .chain(LEVEL_COMMITTEES)
            .any(|p| w.starts(i, p).is_some())
    });
    let Some(i) = start else {
        return match post {
            Post::StandingMember | Post::InspectionChair => {
                nearest_grassroots().or_else(nearest_committee)
            }
            _ => own_cell().or_else(nearest_grassroots),
        };
    };
    let name = w.folded[i..].join(" ");
    if w.starts(i, "chi bo").is_some() || w.starts(i, "chi uy").is_some() {
        return own_cell();
    }
    let by_name = |types: &[UnitType], key: &str| {
        chain
            .iter()
            .rev()
            .filter(|u| types.contains(&u.unit.unit_type))
            .find(|u| committee_key(&crate::text::fold(&u.name)) == key)
            .map(|u| u.unit.id)
    };
    if w.starts(i, "dang uy").is_some() || w.starts(i, "dang bo").is_some() {
        let key = committee_key(&name);
        let named = (!key.is_empty())
            .then(|| {
                by_name(
                    &[
                        UnitType::GrassrootsCommittee,
                        UnitType::PartialCommittee,
                        UnitType::PartyCommittee,
                        UnitType::GrassrootsCell,
                    ],
                    key,
                )
            })
            .flatten();
        return named.or_else(nearest_grassroots).or_else(nearest_committee);
    }
    by_name(&[UnitType::PartyCommittee], &name).or_else(nearest_committee)
}

/// Người đứng đầu: the bí thư of a party unit.
pub fn is_head(post: Post, body: Body) -> bool {
    post == Post::Secretary && body == Body::Party
}

/// Who counts as a key cadre (cán bộ chủ chốt), defined once (docs/DOMAIN.md § Positions): the leaders of a
/// party unit at grassroots-committee level or above, the bí thư of any party unit, the chair and vice chairs of
/// the HĐND and UBND, the chair of the Front, the chairs of the mass organisations and the bí thư of a ward's
/// or commune's youth union, the chief of police and the military commander. The installation extends the list
/// with titles (`--key-cadre-titles`), matched as folded prefixes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyCadres {
    /// Folded title prefixes that also make a key cadre ("truong khu pho").
    extra_titles: Vec<String>,
}

impl KeyCadres {
    /// The list extended with `titles` (each folded; empty ones dropped).
    pub fn with_titles<I, S>(titles: I) -> KeyCadres
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut extra_titles: Vec<String> = titles
            .into_iter()
            .map(|t| crate::text::fold(t.as_ref()))
            .filter(|t| !t.is_empty())
            .collect();
        extra_titles.sort();
        extra_titles.dedup();
        KeyCadres { extra_titles }
    }

    /// Parses a semicolon-separated list ("Trưởng khu phố; Trưởng ấp").
    pub fn parse(list: &str) -> KeyCadres {
        KeyCadres::with_titles(list.split(';'))
    }

    pub fn extra_titles(&self) -> &[String] {
        &self.extra_titles
    }

    /// Is the holder of `title` (read as `parsed`, held in a unit of type `unit_type` when known) a key cadre?
    pub fn is_key_cadre(
        &self,
        parsed: &ParsedTitle,
        unit_type: Option<UnitType>,
        title: &str,
    ) -> bool {
        let folded = crate::text::fold(title);
        if self
            .extra_titles
            .iter()
            .any(|p| folded == *p || folded.starts_with(&format!("{p} ")))
        {
            return true;
        }
        let name = crate::text::fold(&parsed.body_name);
        let name_starts = |ps: &[&str]| {
            ps.iter()
                .any(|p| name == *p || name.starts_with(&format!("{p} ")))
        };
        match (parsed.body, parsed.post) {
            (Body::Party, Post::Secretary) => true,
            (Body::Party, Post::DeputySecretary | Post::StandingMember | Post::InspectionChair) => {
                let t = unit_type.or_else(|| implied_party_unit(&name));
                t.is_some_and(|t| {
                    matches!(
                        t,
                        UnitType::PartyCommittee
                            | UnitType::GrassrootsCommittee
                            | UnitType::GrassrootsCell
                            | UnitType::PartialCommittee
                    )
                })
            }
            (Body::Government, Post::Chair | Post::ViceChair) => {
                name_starts(&["ubnd", "uy ban nhan dan", "hdnd", "hoi dong nhan dan"])
            }
            (Body::Government, Post::Chief) => {
                folded.starts_with("chi huy truong") || name_starts(&["cong an"])
            }
            (Body::Front, Post::Chair) => true,
            (Body::Mass, Post::Chair) => true,
            (Body::Mass, Post::Secretary) => name_starts(&["doan"]),
            _ => false,
        }
    }
}

/// The type of party unit a body name implies when the unit was not found in the tree.
fn implied_party_unit(folded_name: &str) -> Option<UnitType> {
    let w = Words::new(folded_name);
    let at = |p: &str| (0..w.folded.len()).any(|i| w.starts(i, p).is_some());
    if at("chi bo") || at("chi uy") {
        Some(UnitType::Cell)
    } else if at("dang uy") || at("dang bo") || folded_name.is_empty() {
        Some(UnitType::GrassrootsCommittee)
    } else if LEVEL_COMMITTEES.iter().any(|p| at(p)) {
        Some(UnitType::PartyCommittee)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::UnitRef;
    use UnitType::*;

    fn t(title: &str) -> (Post, Body, String) {
        let p = parse_title(title);
        (p.post, p.body, p.body_name)
    }

    #[test]
    fn party_titles_name_their_body() {
        assert_eq!(
            t("Bí thư Đảng ủy Phường 7"),
            (Post::Secretary, Body::Party, "Đảng ủy Phường 7".into())
        );
        assert_eq!(
            t("Phó Bí thư Thường trực Thành ủy"),
            (Post::DeputySecretary, Body::Party, "Thành ủy".into())
        );
        assert_eq!(
            t("Ủy viên Ban Thường vụ Đảng ủy phường"),
            (Post::StandingMember, Body::Party, "Đảng ủy phường".into())
        );
        assert_eq!(t("Đảng ủy viên").0, Post::CommitteeMember);
        assert_eq!(
            t("Chi ủy viên"),
            (Post::CommitteeMember, Body::Party, "Chi ủy".into())
        );
        assert_eq!(
            t("Ủy viên Ban Chấp hành Đảng bộ Phường 7"),
            (
                Post::CommitteeMember,
                Body::Party,
                "Đảng bộ Phường 7".into()
            )
        );
        assert_eq!(
            t("bi thu chi bo"),
            (Post::Secretary, Body::Party, "chi bo".into())
        );
        assert_eq!(
            t("Chủ nhiệm Ủy ban Kiểm tra Đảng ủy Phường 7"),
            (
                Post::InspectionChair,
                Body::Party,
                "Đảng ủy Phường 7".into()
            )
        );
        assert_eq!(t("Trưởng Ban Tổ chức Thành ủy Bến Tre").1, Body::Party);
    }

    #[test]
    fn other_bodies() {
        for s in [
            "Bí thư Chi đoàn",
            "Bí thư Đoàn phường",
            "Bí thư Đoàn Thanh niên Phường 7",
        ] {
            assert_eq!(t(s).0, Post::Secretary, "{s}");
            assert_eq!(t(s).1, Body::Mass, "{s}");
        }
        assert_eq!(t("Chủ tịch UBND phường").0, Post::Chair);
        assert_eq!(t("Chủ tịch UBND phường").1, Body::Government);
        assert_eq!(t("Chủ tịch HĐND Phường 7").1, Body::Government);
        assert_eq!(t("Chủ tịch Hội đồng nhân dân xã").1, Body::Government);
        assert_eq!(t("Chủ tịch Ủy ban MTTQ Phường 7").1, Body::Front);
        for s in [
            "Chủ tịch Hội Cựu chiến binh",
            "Chủ tịch Hội Nông dân xã Phú Hưng",
            "Chủ tịch Hội LHPN",
        ] {
            assert_eq!((t(s).0, t(s).1), (Post::Chair, Body::Mass), "{s}");
        }
        assert_eq!(t("Phó Chủ tịch UBND Phường 7").0, Post::ViceChair);
        for s in ["Trưởng khu phố 3", "Trưởng ấp Phú Hòa"] {
            assert_eq!((t(s).0, t(s).1), (Post::Chief, Body::Neighbourhood), "{s}");
        }
        for s in ["Trưởng Công an phường", "Chỉ huy trưởng Quân sự"] {
            assert_eq!((t(s).0, t(s).1), (Post::Chief, Body::Government), "{s}");
        }
        assert_eq!(
            (
                t("Công chức Tư pháp - Hộ tịch").0,
                t("Công chức Tư pháp - Hộ tịch").1
            ),
            (Post::Staff, Body::Government)
        );
        assert_eq!(
            (t("Giáo viên").0, t("Giáo viên").1),
            (Post::Staff, Body::Other)
        );
        assert_eq!(t("Cảnh sát khu vực").0, Post::Staff);
        assert_eq!(t("Chính trị viên phó").0, Post::DeputyChief);
        for s in ["", "Xyz abc", "Ủy viên", "Trưởng"] {
            assert_eq!(t(s).0, Post::Unknown, "{s}");
        }
    }

    fn named(shape: &[(UnitType, &str)]) -> Vec<UnitRefWithName> {
        let mut path = String::from("/");
        shape
            .iter()
            .enumerate()
            .map(|(i, (ty, name))| {
                path.push_str(&format!("{}/", i + 1));
                UnitRefWithName {
                    unit: UnitRef {
                        id: i as i64 + 1,
                        path: path.clone(),
                        unit_type: *ty,
                    },
                    name: (*name).to_string(),
                }
            })
            .collect()
    }

    fn unit(title: &str, chain: &[UnitRefWithName]) -> Option<i64> {
        resolve_unit(&parse_title(title), chain)
    }

    #[test]
    fn party_posts_resolve_in_a_ward() {
        let c = named(&[
            (PartyCommittee, "Thành ủy Bến Tre"),
            (GrassrootsCommittee, "Đảng bộ Phường 7"),
            (Cell, "Chi bộ Khu phố 1"),
        ]);
        assert_eq!(unit("Bí thư Chi bộ", &c), Some(3));
        assert_eq!(unit("Chi ủy viên", &c), Some(3));
        assert_eq!(unit("Bí thư Đảng ủy Phường 7", &c), Some(2));
        assert_eq!(unit("Ủy viên Ban Thường vụ Đảng ủy phường", &c), Some(2));
        assert_eq!(
            unit("Bí thư Đảng ủy Phường 8", &c),
            Some(2),
            "nearest grassroots"
        );
        assert_eq!(unit("Phó Bí thư Thường trực Thành ủy Bến Tre", &c), Some(1));
        assert_eq!(unit("Chủ nhiệm Ủy ban Kiểm tra Thành ủy", &c), Some(1));
        assert_eq!(unit("Chủ tịch UBND Phường 7", &c), None);
    }

    #[test]
    fn party_posts_resolve_under_a_partial_committee_and_a_grassroots_cell() {
        let c = named(&[
            (PartyCommittee, "Tỉnh ủy Bến Tre"),
            (PartyCommittee, "Huyện ủy Ba Tri"),
            (GrassrootsCommittee, "Đảng bộ xã An Ngãi"),
            (PartialCommittee, "Đảng bộ bộ phận Ấp 1"),
            (Cell, "Chi bộ Tổ 3"),
        ]);
        assert_eq!(unit("Bí thư Chi bộ", &c), Some(5));
        assert_eq!(unit("Bí thư Đảng ủy xã An Ngãi", &c), Some(3));
        assert_eq!(unit("Bí thư Đảng ủy bộ phận Ấp 1", &c), Some(4));
        assert_eq!(unit("Bí thư Huyện ủy Ba Tri", &c), Some(2));
        assert_eq!(unit("Bí thư Tỉnh ủy Bến Tre", &c), Some(1));
        assert_eq!(
            unit("Phó Bí thư Huyện ủy", &c),
            Some(2),
            "nearest committee"
        );
        let g = named(&[
            (PartyCommittee, "Thành ủy Bến Tre"),
            (GrassrootsCell, "Chi bộ Trường THPT Chuyên"),
        ]);
        assert_eq!(unit("Bí thư Chi bộ", &g), Some(2));
        assert_eq!(unit("Bí thư Đảng ủy", &g), Some(2));
    }

    #[test]
    fn front_and_mass_posts_resolve_to_a_unit_of_that_name() {
        let c = named(&[
            (PartyCommittee, "Thành ủy Bến Tre"),
            (MassOrganisation, "Hội Cựu chiến binh Thành phố"),
        ]);
        assert_eq!(unit("Chủ tịch Hội Cựu chiến binh Thành phố", &c), Some(2));
        assert_eq!(unit("Chủ tịch Hội Nông dân", &c), None);
        assert_eq!(unit("Chủ tịch Ủy ban MTTQ", &c), None);
    }

    fn key(title: &str, unit_type: Option<UnitType>, k: &KeyCadres) -> bool {
        k.is_key_cadre(&parse_title(title), unit_type, title)
    }

    #[test]
    fn heads_are_party_secretaries() {
        let head = |s: &str| {
            let p = parse_title(s);
            is_head(p.post, p.body)
        };
        assert!(head("Bí thư Chi bộ"));
        assert!(head("Bí thư Đảng ủy Phường 7"));
        assert!(!head("Bí thư Chi đoàn"));
        assert!(!head("Trưởng khu phố 1"));
        assert!(!head("Phó Bí thư Chi bộ"));
        assert!(!head("Chủ tịch UBND Phường 7"));
    }

    #[test]
    fn key_cadres_follow_the_list() {
        let k = KeyCadres::default();
        assert!(key("Bí thư Chi bộ", Some(Cell), &k));
        assert!(key(
            "Phó Bí thư Đảng ủy Phường 7",
            Some(GrassrootsCommittee),
            &k
        ));
        assert!(key("Phó Bí thư Chi bộ", Some(GrassrootsCell), &k));
        assert!(!key("Phó Bí thư Chi bộ", Some(Cell), &k));
        assert!(!key("Phó Bí thư Chi bộ", None, &k));
        assert!(key("Ủy viên Ban Thường vụ Thành ủy", None, &k));
        assert!(key("Chủ nhiệm Ủy ban Kiểm tra Đảng ủy Phường 7", None, &k));
        assert!(key("Chủ tịch UBND Phường 7", None, &k));
        assert!(key("Phó Chủ tịch HĐND Phường 7", None, &k));
        assert!(key("Chủ tịch Ủy ban MTTQ Phường 7", None, &k));
        assert!(!key("Phó Chủ tịch Ủy ban MTTQ", None, &k));
        assert!(key("Chủ tịch Hội Liên hiệp Phụ nữ Phường 7", None, &k));
        assert!(key("Bí thư Đoàn phường", None, &k));
        assert!(key("Bí thư Đoàn Thanh niên xã An Ngãi", None, &k));
        assert!(!key("Bí thư Chi đoàn", None, &k));
        assert!(key("Trưởng Công an Phường 7", None, &k));
        assert!(key("Chỉ huy trưởng Ban Chỉ huy Quân sự Phường 7", None, &k));
        assert!(!key("Trưởng khu phố 1", None, &k));
        assert!(!key("Trưởng ấp Phú Hòa", None, &k));
        assert!(!key("Chi ủy viên", Some(Cell), &k));
        assert!(!key("Giáo viên", None, &k));
    }

    #[test]
    fn the_installation_extends_the_key_cadres() {
        let k = KeyCadres::parse("Trưởng khu phố; truong ap ;");
        assert_eq!(k.extra_titles(), ["truong ap", "truong khu pho"]);
        assert!(key("Trưởng khu phố 1", None, &k));
        assert!(key("TRƯỞNG ẤP Phú Hòa", None, &k));
        assert!(!key("Trưởng Phòng Nội vụ", None, &k));
        // A prefix matches whole words only.
        assert!(!key("Trưởng ấpx", None, &KeyCadres::parse("Trưởng ấp")));
    }
}
