#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use office::{Parsed, RowError};

pub const MEMBER_HEADER: &str = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày";

/// A valid member row (the template example).
pub const GOOD: &str = "P7-CB1,Nguyễn Thị Thu Hà,12/03/1985,Nữ,79012345,083185001234,03/02/2010,03/02/2011,Bí thư Chi bộ; Tổ trưởng tổ dân phố,0912345678,15/08/2020";

pub const UNIT_HEADER: &str = "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Thứ tự,Từ ngày";

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn today() -> NaiveDate {
    d(2025, 6, 1)
}

/// CSV text from a header and rows, LF line endings.
pub fn csv(header: &str, rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(header);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

/// A member row built from GOOD with some cells replaced (index → new text).
pub fn member(changes: &[(usize, &str)]) -> String {
    let mut cells: Vec<String> = GOOD.split(',').map(str::to_string).collect();
    for (i, v) in changes {
        cells[*i] = (*v).to_string();
    }
    cells
        .iter()
        .map(|c| {
            if c.contains(',') || c.contains('"') {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub fn parse_members_csv(rows: &[&str]) -> Parsed<office::MemberRow> {
    office::parse_members("x.csv", &csv(MEMBER_HEADER, rows), today()).unwrap()
}

/// (line, column) of every error.
pub fn where_(errors: &[RowError]) -> Vec<(usize, &str)> {
    errors.iter().map(|e| (e.line, e.column.as_str())).collect()
}
