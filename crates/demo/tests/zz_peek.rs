#![allow(clippy::unwrap_used)]
#[test]
#[ignore]
fn peek() {
    let us = demo::units(demo::Scale::National, 1);
    for u in us
        .iter()
        .filter(|u| u.code.starts_with("T01-H1-") || u.code == "T01-H1")
        .take(40)
    {
        println!("{} | {} | {:?}", u.code, u.name, u.unit_type);
    }
    for u in us
        .iter()
        .filter(|u| u.code.starts_with("T01-K") && u.code.len() <= 10)
        .take(30)
    {
        println!("{} | {}", u.code, u.name);
    }
    for u in us
        .iter()
        .filter(|u| u.code.starts_with("T79-H20-X"))
        .take(25)
    {
        println!("{} | {}", u.code, u.name);
    }
    for u in us
        .iter()
        .filter(|u| u.code.starts_with("T48-K1-X"))
        .take(45)
    {
        println!("{} | {}", u.code, u.name);
    }
    for m in demo::members(demo::Scale::National, 1, &us)
        .skip(40)
        .step_by(7)
        .take(12)
    {
        println!(
            "{} {} {} {:?} {}",
            m.full_name,
            m.citizen_id,
            m.card_number,
            m.positions,
            m.memberships.last().unwrap().unit_code
        );
    }
    let ps = demo::units(demo::Scale::Province, 1);
    for u in ps
        .iter()
        .filter(|u| {
            u.code.starts_with("BTR-X02")
                || u.code.starts_with("BTR-X2")
                || u.code.starts_with("TU-K1-X0")
        })
        .take(60)
    {
        println!("{} | {} | {:?}", u.code, u.name, u.unit_type);
    }
    let mut n = 0;
    for m in demo::members(demo::Scale::Province, 1, &ps) {
        if m.positions.iter().any(|p| {
            p.contains("Huyện ủy Ba Tri")
                || p.contains("Tỉnh ủy")
                || p.starts_with("Trưởng ")
                || p.starts_with("Hiệu")
                || p.starts_with("Giám đốc")
        }) {
            n += 1;
            if n % 9 == 0 {
                println!(
                    "{} {:?} {}",
                    m.full_name,
                    m.positions,
                    m.memberships.last().unwrap().unit_code
                );
            }
        }
    }
}
