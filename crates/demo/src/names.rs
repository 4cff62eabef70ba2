//! Vietnamese personal-name tables (NFC literals) and a fast weighted picker.

use domain::Gender;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Family names with weights per ten thousand, southern provinces (Huỳnh, Võ, Trương more common).
const FAMILY_SOUTH: &[(&str, u32)] = &[
    ("Nguyễn", 3800),
    ("Trần", 1100),
    ("Lê", 950),
    ("Phạm", 560),
    ("Huỳnh", 520),
    ("Võ", 500),
    ("Phan", 400),
    ("Trương", 200),
    ("Đặng", 170),
    ("Hồ", 150),
    ("Bùi", 120),
    ("Đỗ", 110),
    ("Ngô", 120),
    ("Dương", 100),
    ("Lý", 80),
    ("Hoàng", 80),
    ("Đoàn", 80),
    ("Lâm", 70),
    ("Châu", 60),
    ("Mai", 60),
    ("Vũ", 50),
    ("Đào", 50),
    ("Cao", 50),
    ("Lương", 50),
    ("Đinh", 40),
    ("Tô", 30),
    ("Thái", 30),
    ("Trịnh", 30),
    ("Lưu", 30),
    ("Hà", 30),
    ("Tạ", 20),
    ("Văn", 20),
    ("Tăng", 20),
    ("Từ", 20),
    ("Quách", 20),
    ("Diệp", 15),
    ("La", 15),
    ("Kiều", 10),
    ("Âu", 10),
    ("Lữ", 10),
];

/// Family names with weights per ten thousand, northern provinces (Hoàng, Vũ, Đỗ more common).
const FAMILY_NORTH: &[(&str, u32)] = &[
    ("Nguyễn", 3800),
    ("Trần", 1000),
    ("Lê", 800),
    ("Phạm", 700),
    ("Hoàng", 550),
    ("Vũ", 450),
    ("Đỗ", 350),
    ("Bùi", 300),
    ("Đặng", 250),
    ("Ngô", 200),
    ("Đào", 150),
    ("Dương", 150),
    ("Phan", 150),
    ("Đinh", 120),
    ("Trịnh", 100),
    ("Hà", 100),
    ("Lương", 80),
    ("Trương", 80),
    ("Mai", 70),
    ("Cao", 70),
    ("Nông", 60),
    ("Lưu", 50),
    ("Tạ", 50),
    ("Chu", 50),
    ("Hồ", 50),
    ("Võ", 50),
    ("Lại", 40),
    ("Tô", 40),
    ("Triệu", 40),
    ("Kiều", 30),
    ("Vương", 30),
    ("Lò", 30),
    ("Doãn", 20),
    ("Khuất", 10),
    ("Huỳnh", 10),
];

/// Male middle names (weight).
const MIDDLE_MALE: &[(&str, u32)] = &[
    ("Văn", 400),
    ("Minh", 60),
    ("Thanh", 60),
    ("Hữu", 50),
    ("Quốc", 50),
    ("Tấn", 40),
    ("Công", 40),
    ("Đức", 40),
    ("Hoàng", 30),
    ("Ngọc", 30),
    ("Thành", 25),
    ("Quang", 25),
    ("Đình", 25),
    ("Trung", 20),
    ("Phước", 20),
    ("Hoài", 20),
    ("Xuân", 20),
    ("Việt", 15),
    ("Duy", 15),
    ("Trọng", 15),
    ("Chí", 15),
    ("Thế", 15),
    ("Anh", 10),
    ("Kim", 10),
    ("Hải", 10),
    ("Nhật", 10),
    ("Bảo", 10),
    ("Mạnh", 10),
    ("Phú", 10),
    ("Tuấn", 10),
];

/// Male two-word middle names.
const MIDDLE2_MALE: &[&str] = &[
    "Hoàng Minh",
    "Minh Quốc",
    "Thanh Hoàng",
    "Ngọc Minh",
    "Văn Minh",
    "Hữu Minh",
    "Quốc Anh",
    "Đức Minh",
    "Hoàng Anh",
    "Nguyên Khánh",
];

/// Female middle names (weight).
const MIDDLE_FEMALE: &[(&str, u32)] = &[
    ("Thị", 520),
    ("Ngọc", 80),
    ("Thanh", 50),
    ("Kim", 50),
    ("Thu", 40),
    ("Hồng", 30),
    ("Mỹ", 30),
    ("Thúy", 20),
    ("Bích", 20),
    ("Phương", 20),
    ("Minh", 20),
    ("Cẩm", 20),
    ("Xuân", 20),
    ("Như", 15),
    ("Hoàng", 10),
    ("Diễm", 10),
    ("Tuyết", 10),
    ("Lệ", 10),
    ("Bảo", 10),
    ("Khánh", 10),
    ("Hải", 5),
];

/// Female two-word middle names.
const MIDDLE2_FEMALE: &[&str] = &[
    "Thị Ngọc",
    "Thị Thanh",
    "Thị Kim",
    "Thị Thu",
    "Thị Mỹ",
    "Thị Hồng",
    "Thị Bích",
    "Thị Diễm",
    "Thị Cẩm",
    "Thị Tuyết",
    "Thị Thúy",
    "Ngọc Bảo",
    "Thị Minh",
    "Thị Xuân",
];

pub(crate) const GIVEN_MALE: &[&str] = &[
    "An",
    "Ân",
    "Bảo",
    "Bình",
    "Cảnh",
    "Chánh",
    "Chiến",
    "Chung",
    "Công",
    "Cường",
    "Danh",
    "Dân",
    "Dũng",
    "Duy",
    "Dương",
    "Đạt",
    "Điền",
    "Định",
    "Đông",
    "Đức",
    "Giàu",
    "Hải",
    "Hào",
    "Hậu",
    "Hiền",
    "Hiếu",
    "Hiệp",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Hưng",
    "Khang",
    "Khanh",
    "Khánh",
    "Khải",
    "Khoa",
    "Kiệt",
    "Lâm",
    "Lành",
    "Lễ",
    "Lộc",
    "Long",
    "Luân",
    "Lực",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Nhựt",
    "Phát",
    "Phong",
    "Phúc",
    "Phụng",
    "Phước",
    "Quang",
    "Quân",
    "Quí",
    "Sang",
    "Sơn",
    "Tài",
    "Tâm",
    "Tân",
    "Thái",
    "Thắng",
    "Thanh",
    "Thành",
    "Thiện",
    "Thịnh",
    "Thuận",
    "Tiến",
    "Toàn",
    "Trí",
    "Triều",
    "Trung",
    "Trường",
    "Tú",
    "Tuấn",
    "Tùng",
    "Út",
    "Vinh",
    "Việt",
    "Vũ",
    "Xuân",
    "Hiển",
    "Kha",
    "Lợi",
    "Nhơn",
    "Tường",
];

pub(crate) const GIVEN_FEMALE: &[&str] = &[
    "An",
    "Anh",
    "Bích",
    "Cẩm",
    "Châu",
    "Chi",
    "Diễm",
    "Diệu",
    "Dung",
    "Duyên",
    "Đào",
    "Điệp",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hân",
    "Hậu",
    "Hiền",
    "Hoa",
    "Hòa",
    "Hồng",
    "Huệ",
    "Hương",
    "Hường",
    "Huyền",
    "Khánh",
    "Kiều",
    "Lài",
    "Lan",
    "Lệ",
    "Liên",
    "Liễu",
    "Linh",
    "Loan",
    "Lụa",
    "Mai",
    "My",
    "Mỹ",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nguyệt",
    "Nhàn",
    "Nhi",
    "Nhung",
    "Nương",
    "Oanh",
    "Phượng",
    "Phương",
    "Quyên",
    "Quỳnh",
    "Sương",
    "Tâm",
    "Thảo",
    "Thắm",
    "Thanh",
    "Thơ",
    "Thu",
    "Thủy",
    "Thúy",
    "Thư",
    "Tiên",
    "Trang",
    "Trâm",
    "Trinh",
    "Tuyền",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
    "Út",
];

/// A weighted table with a cumulative array for binary search.
pub(crate) struct Weighted {
    items: Vec<&'static str>,
    cumulative: Vec<u32>,
    total: u32,
}

impl Weighted {
    fn new(table: &[(&'static str, u32)]) -> Weighted {
        let mut items = Vec::with_capacity(table.len());
        let mut cumulative = Vec::with_capacity(table.len());
        let mut total = 0u32;
        for &(s, w) in table {
            total += w;
            items.push(s);
            cumulative.push(total);
        }
        Weighted {
            items,
            cumulative,
            total,
        }
    }

    #[inline]
    pub(crate) fn pick(&self, rng: &mut ChaCha8Rng) -> &'static str {
        let r = rng.gen_range(0..self.total);
        let i = self.cumulative.partition_point(|&c| c <= r);
        self.items[i.min(self.items.len() - 1)]
    }

    /// Share of `item` in the table (for tests and documentation).
    #[cfg(test)]
    pub(crate) fn share(&self, item: &str) -> f64 {
        let mut prev = 0;
        for (s, c) in self.items.iter().zip(&self.cumulative) {
            if *s == item {
                return f64::from(c - prev) / f64::from(self.total);
            }
            prev = *c;
        }
        0.0
    }
}

/// Precomputed name tables.
pub(crate) struct NameTables {
    family_south: Weighted,
    family_north: Weighted,
    middle_male: Weighted,
    middle_female: Weighted,
}

impl NameTables {
    pub(crate) fn new() -> NameTables {
        NameTables {
            family_south: Weighted::new(FAMILY_SOUTH),
            family_north: Weighted::new(FAMILY_NORTH),
            middle_male: Weighted::new(MIDDLE_MALE),
            middle_female: Weighted::new(MIDDLE_FEMALE),
        }
    }

    /// Writes a full name ("Nguyễn Thị Thanh Hương") into a fresh string.
    pub(crate) fn full_name(&self, rng: &mut ChaCha8Rng, gender: Gender, north: bool) -> String {
        let family = if north {
            self.family_north.pick(rng)
        } else {
            self.family_south.pick(rng)
        };
        let (middle, given) = match gender {
            Gender::Male => {
                let middle = if rng.gen_ratio(8, 100) {
                    MIDDLE2_MALE[rng.gen_range(0..MIDDLE2_MALE.len())]
                } else {
                    self.middle_male.pick(rng)
                };
                (middle, pick_given(rng, GIVEN_MALE, middle))
            }
            Gender::Female => {
                let middle = if rng.gen_ratio(18, 100) {
                    MIDDLE2_FEMALE[rng.gen_range(0..MIDDLE2_FEMALE.len())]
                } else {
                    self.middle_female.pick(rng)
                };
                (middle, pick_given(rng, GIVEN_FEMALE, middle))
            }
        };
        let mut s = String::with_capacity(family.len() + middle.len() + given.len() + 2);
        s.push_str(family);
        s.push(' ');
        s.push_str(middle);
        s.push(' ');
        s.push_str(given);
        s
    }

    #[cfg(test)]
    pub(crate) fn south_share(&self, family: &str) -> f64 {
        self.family_south.share(family)
    }
}

/// Picks a given name that does not repeat the last middle word ("Trần Thanh Thanh").
#[inline]
fn pick_given(rng: &mut ChaCha8Rng, list: &[&'static str], middle: &str) -> &'static str {
    let last = middle.rsplit(' ').next().unwrap_or(middle);
    let mut given = list[rng.gen_range(0..list.len())];
    if given == last {
        given = list[rng.gen_range(0..list.len())];
    }
    given
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn tables_are_large_and_nfc() {
        assert!(GIVEN_MALE.len() >= 60);
        assert!(GIVEN_FEMALE.len() >= 60);
        let all = FAMILY_SOUTH
            .iter()
            .chain(FAMILY_NORTH)
            .chain(MIDDLE_MALE)
            .chain(MIDDLE_FEMALE)
            .map(|(s, _)| *s)
            .chain(MIDDLE2_MALE.iter().copied())
            .chain(MIDDLE2_FEMALE.iter().copied())
            .chain(GIVEN_MALE.iter().copied())
            .chain(GIVEN_FEMALE.iter().copied());
        for s in all {
            assert_eq!(domain::text::normalize(s), s, "{s} is not NFC");
        }
        let t = NameTables::new();
        let n = t.south_share("Nguyễn");
        assert!((0.35..0.41).contains(&n), "{n}");
    }
}
