//! Demo accounts with passwords derived from the seed.

use crate::members::{Plan, ACCOUNT_SLOT, COMMITTEE_SLOT};
use crate::{DemoAccount, DemoUnit, Scale};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SALT_PASSWORDS: u64 = 0x7061_7373_776f_7264;
const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";

/// The cell of Phường 7 whose member gets the member account.
const MEMBER_CELL: &str = "P7-KP1";

pub(crate) fn build(scale: Scale, seed: u64, units: &[DemoUnit]) -> Vec<DemoAccount> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SALT_PASSWORDS);
    let root = units.iter().find(|u| u.parent_code.is_none());
    let find = |code: &str| units.iter().find(|u| u.code == code);
    // Accounts that stand for a person are linked to that person's record (docs/DOMAIN.md § Who approves):
    // a committee's bí thư holds the first of its positions, in its first member-holding cell; a cell's
    // bí thư is the cell's first slot.
    let plan = Plan::new(scale, seed, units);
    let committee_secretary = |code: &str| {
        let first = units.iter().find(|u| {
            u.parent_code.as_deref() == Some(code)
                && matches!(
                    u.unit_type,
                    domain::UnitType::Cell | domain::UnitType::GrassrootsCell
                )
        })?;
        plan.card_at(units, &first.code, COMMITTEE_SLOT)
    };
    let mut out = Vec::new();
    let mut push = |rng: &mut ChaCha8Rng,
                    username: &str,
                    role: &'static str,
                    unit_code: &str,
                    member_card: Option<String>,
                    description: String| {
        out.push(DemoAccount {
            username: username.to_string(),
            password: password(rng),
            role,
            unit_code: unit_code.to_string(),
            member_card,
            description,
        });
    };
    if let Some(root) = root {
        push(
            &mut rng,
            "admin",
            "admin",
            &root.code,
            None,
            "Quản trị hệ thống".to_string(),
        );
        let office = match scale {
            Scale::City => "Văn phòng Thành ủy".to_string(),
            Scale::Province => "Văn phòng Tỉnh ủy".to_string(),
            Scale::National => "Văn phòng Trung ương Đảng".to_string(),
        };
        push(&mut rng, "vanphong", "office", &root.code, None, office);
    }
    for (username, code) in [("bithu.p7", "P7"), ("bithu.sd", "SD")] {
        if let Some(u) = find(code) {
            let area = u.name.strip_prefix("Đảng bộ ").unwrap_or(&u.name);
            push(
                &mut rng,
                username,
                "secretary",
                code,
                committee_secretary(code),
                format!("Bí thư Đảng ủy {area}"),
            );
        }
    }
    if let Some(u) = find(MEMBER_CELL) {
        push(
            &mut rng,
            "bithu.p7kp1",
            "secretary",
            MEMBER_CELL,
            plan.card_at(units, MEMBER_CELL, 0),
            format!("{}, Phường 7", u.name.replace("Chi bộ", "Bí thư Chi bộ")),
        );
    }
    if let Some(u) = find("TU-BT") {
        push(
            &mut rng,
            "kiemtra",
            "inspector",
            &u.code,
            None,
            "Ủy ban Kiểm tra Thành ủy Bến Tre".to_string(),
        );
    }
    if let Some(u) = find(MEMBER_CELL) {
        if let Some(card) = plan.card_at(units, MEMBER_CELL, ACCOUNT_SLOT) {
            push(
                &mut rng,
                "dangvien.p7",
                "member",
                MEMBER_CELL,
                Some(card),
                format!("Đảng viên {}, Phường 7", u.name),
            );
        }
    }
    // Last, so that the passwords of the accounts above stay as they were.
    if let Some(u) = find("P7") {
        let area = u.name.strip_prefix("Đảng bộ ").unwrap_or(&u.name);
        push(
            &mut rng,
            "kiemtra.p7",
            "inspector",
            "P7",
            None,
            format!("Ủy ban Kiểm tra Đảng ủy {area}"),
        );
    }
    out
}

/// "Hk7m-q2Xr-9wPe": three groups of four, each with at least one digit and one letter.
fn password(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::with_capacity(14);
    for g in 0..3 {
        if g > 0 {
            s.push('-');
        }
        // One position is surely a digit, the next one surely a letter, the others either.
        let digit_at = rng.gen_range(0..4);
        let letter_at = (digit_at + 1) % 4;
        for i in 0..4 {
            let digit = i == digit_at || (i != letter_at && rng.gen_ratio(1, 5));
            let c = if digit {
                DIGITS[rng.gen_range(0..DIGITS.len())]
            } else {
                LETTERS[rng.gen_range(0..LETTERS.len())]
            };
            s.push(c as char);
        }
    }
    s
}
