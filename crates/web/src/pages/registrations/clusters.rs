//! The copy clusters of a unit's registrations for a year: each group of registrations whose texts are
//! near copies of each other, the first few side by side with the words the others changed marked.

use super::report::{parent_of, report_href, unit_and_year, ReportQuery};
use crate::auth::WebUser;
use crate::extract::PageQuery;
use crate::respond::{render, PageResult, StoreResultExt};
use crate::view::{date, num, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use domain::text::{fold, format_percent};
use std::collections::HashSet;
use store::Registration;

/// Registrations of one cluster shown side by side; the others are only named.
const CLUSTER_COLUMNS: usize = 6;

/// A piece of text, marked when its words are not in the cluster's first registration.
pub struct Seg {
    pub text: String,
    pub marked: bool,
}

/// The folded word of a token, without surrounding punctuation ("" for punctuation alone).
fn word_key(token: &str) -> String {
    fold(token)
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// The folded words of a text.
fn word_set(text: &str) -> HashSet<String> {
    text.split_whitespace()
        .map(word_key)
        .filter(|w| !w.is_empty())
        .collect()
}

/// `text` cut into segments, marking the words whose folded form is not in `reference` (None marks
/// nothing). Adjacent segments of the same kind are merged.
fn mark_words(text: &str, reference: Option<&HashSet<String>>) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::new();
    let mut push = |s: &str, marked: bool| match out.last_mut() {
        Some(last) if last.marked == marked => last.text.push_str(s),
        _ => out.push(Seg {
            text: s.to_string(),
            marked,
        }),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start().len();
        if ws > 0 {
            push(&rest[..ws], false);
            rest = &rest[ws..];
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        let key = word_key(token);
        let marked = reference.is_some_and(|r| !key.is_empty() && !r.contains(&key));
        push(token, marked);
        rest = &rest[end..];
    }
    out
}

pub struct ItemView {
    pub content: Vec<Seg>,
    pub target: Vec<Seg>,
    pub duty: String,
    pub deadline: String,
}

pub struct ColumnView {
    pub href: String,
    pub member_name: String,
    pub unit_name: String,
    pub status_label: &'static str,
    pub reference: bool,
    pub items: Vec<ItemView>,
}

pub struct ClusterView {
    pub number: usize,
    pub size: String,
    pub similarity: String,
    pub cross_unit: bool,
    /// (href, member name, unit name) of everyone in the cluster.
    pub members: Vec<(String, String, String)>,
    pub columns: Vec<ColumnView>,
    pub hidden: String,
}

fn column(r: &Registration, reference: Option<&HashSet<String>>) -> ColumnView {
    ColumnView {
        href: format!("/dang-ky/{}", r.id),
        member_name: r.member_name.clone(),
        unit_name: r.unit_name.clone(),
        status_label: r.status.label(),
        reference: reference.is_none(),
        items: r
            .items
            .iter()
            .map(|i| ItemView {
                content: mark_words(&i.content, reference),
                target: mark_words(&i.target, reference),
                duty: i.duty.clone(),
                deadline: date(i.deadline),
            })
            .collect(),
    }
}

/// The words of a registration the others are compared with: every item's content and target.
fn registration_words(r: &Registration) -> HashSet<String> {
    let mut set = HashSet::new();
    for i in &r.items {
        set.extend(word_set(&i.content));
        set.extend(word_set(&i.target));
    }
    set
}

#[derive(Template)]
#[template(path = "reg_clusters.html")]
struct ClustersPage {
    ctx: Ctx,
    unit_id: i64,
    unit_name: String,
    parent: Option<(i64, String)>,
    year: i32,
    years: Vec<i32>,
    clusters: Vec<ClusterView>,
    registrations: String,
    report_href: String,
    threshold: String,
}

pub(super) async fn clusters(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<ReportQuery>,
) -> PageResult {
    let (unit, year, years) = unit_and_year(&st, &user, &q).await?;
    let p = &user.principal;
    let mut found = st
        .db
        .registrations()
        .copy_clusters(p, &unit.path, year)
        .await
        .page(&user)?;
    found.sort_by(|a, b| {
        b.registration_ids
            .len()
            .cmp(&a.registration_ids.len())
            .then(b.min_similarity.total_cmp(&a.min_similarity))
            .then(a.registration_ids.cmp(&b.registration_ids))
    });
    let shown: Vec<i64> = found
        .iter()
        .flat_map(|c| c.registration_ids.iter().take(CLUSTER_COLUMNS).copied())
        .collect();
    let regs = st
        .db
        .registrations()
        .registrations_by_ids(p, &unit.path, &shown)
        .await
        .page(&user)?;
    let by_id: std::collections::HashMap<i64, &Registration> =
        regs.iter().map(|r| (r.id, r)).collect();
    let total: usize = found.iter().map(|c| c.registration_ids.len()).sum();
    let views = found
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let shown: Vec<&Registration> = c
                .registration_ids
                .iter()
                .take(CLUSTER_COLUMNS)
                .filter_map(|id| by_id.get(id).copied())
                .collect();
            let reference = shown.first().map(|r| registration_words(r));
            let columns = shown
                .iter()
                .enumerate()
                .map(|(i, r)| column(r, if i == 0 { None } else { reference.as_ref() }))
                .collect();
            // "≥ 71%": the lowest similarity in the cluster, rounded down to a whole percent.
            let floor = (c.min_similarity * 100.0).floor() / 100.0;
            ClusterView {
                number: k + 1,
                size: num(c.registration_ids.len() as i64),
                similarity: format_percent(floor),
                cross_unit: c.cross_unit,
                members: c
                    .registration_ids
                    .iter()
                    .zip(&c.members)
                    .map(|(rid, (_, name, unit_name))| {
                        (format!("/dang-ky/{rid}"), name.clone(), unit_name.clone())
                    })
                    .collect(),
                columns,
                hidden: if c.registration_ids.len() > CLUSTER_COLUMNS {
                    num((c.registration_ids.len() - CLUSTER_COLUMNS) as i64)
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let parent = parent_of(&st, &user, &unit).await;
    let page = ClustersPage {
        ctx: Ctx::new(
            &user,
            format!("Bản đăng ký trùng lặp năm {year} — {}", unit.name),
            "registrations",
        ),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        parent,
        year,
        years,
        clusters: views,
        registrations: num(total as i64),
        report_href: report_href(unit.id, year),
        threshold: format_percent(domain::similarity::COPY_THRESHOLD),
    };
    Ok(render(&page))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn marked(segs: &[Seg]) -> Vec<&str> {
        segs.iter()
            .filter(|s| s.marked)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn words_not_in_the_reference_are_marked() {
        let r = word_set("Vận động 15 hộ dân hiến đất, mở rộng hẻm 3.");
        let segs = mark_words("Vận động 20 hộ dân hiến đất làm đường", Some(&r));
        assert_eq!(marked(&segs), vec!["20", "làm", "đường"]);
        let text: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(text, "Vận động 20 hộ dân hiến đất làm đường");
        // Diacritics and punctuation do not make a word different.
        let segs = mark_words("van dong 15 ho dan (hien dat)", Some(&r));
        assert!(marked(&segs).is_empty());
        // The reference column marks nothing.
        assert!(marked(&mark_words("bất kỳ", None)).is_empty());
    }
}
