//! The editor's item cards: reading them from the submitted form, filling them from a saved registration,
//! the blank cards offered below, and the store's field errors placed on the card they belong to.

use super::field;
use crate::respond::FormErrors;
use crate::view::{date, parse_form_date};
use domain::quality::FlagNote;
use store::{ItemInput, ItemKind, Registration};

/// Blank item cards offered below the written ones (more with the "Thêm nội dung" button).
const BLANK_ITEMS: usize = 2;

/// The placeholder index of the card template.
const TEMPLATE_INDEX: usize = 9999;

/// An item card of the editor, as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemForm {
    pub index: usize,
    pub kind: &'static str,
    pub content: String,
    pub duty: String,
    pub target: String,
    pub deadline: String,
    pub evidence: String,
    pub flags: Vec<FlagView>,
    pub return_comment: String,
    pub error: String,
}

impl ItemForm {
    /// The card the "Thêm nội dung" button clones (its index is replaced by the script).
    pub fn blank(kind: &'static str) -> ItemForm {
        ItemForm {
            index: TEMPLATE_INDEX,
            kind,
            ..ItemForm::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct FlagView {
    pub label: &'static str,
    pub message: String,
}

pub(super) fn flag_views(flags: &[FlagNote]) -> Vec<FlagView> {
    flags
        .iter()
        .map(|f| FlagView {
            label: f.flag.label(),
            message: f.message.clone(),
        })
        .collect()
}

/// The indexes N of the submitted `content_N` fields, in order, each once.
pub(super) fn card_indexes(fields: &[(String, String)]) -> Vec<usize> {
    let mut indexes: Vec<usize> = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("content_")?.parse().ok())
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// Reads the editor's cards (`content_N`, `duty_N`, `target_N`, `deadline_N`, `kind_N`, `evidence_N`),
/// dropping empty ones. Returns the cards as typed, the items to save and date errors per card.
pub(super) fn read_cards(
    fields: &[(String, String)],
) -> (Vec<ItemForm>, Vec<ItemInput>, FormErrors) {
    let mut cards = Vec::new();
    let mut items = Vec::new();
    let mut errors = FormErrors::default();
    for i in card_indexes(fields) {
        let get = |name: &str| field(fields, &format!("{name}_{i}")).to_string();
        let content = get("content");
        let duty = get("duty");
        let target = get("target");
        let deadline_text = get("deadline");
        let evidence = get("evidence");
        if [&content, &duty, &target, &deadline_text, &evidence]
            .iter()
            .all(|s| s.trim().is_empty())
        {
            continue;
        }
        let kind = match get("kind").as_str() {
            "exemplary" => ItemKind::Exemplary,
            _ => ItemKind::Commitment,
        };
        let position = cards.len();
        let mut card = ItemForm {
            index: position,
            kind: kind.as_str(),
            content: content.clone(),
            duty: duty.clone(),
            target: target.clone(),
            deadline: deadline_text.clone(),
            evidence: evidence.clone(),
            ..ItemForm::default()
        };
        let deadline = match parse_form_date(&deadline_text) {
            Ok(d) => d,
            Err(e) => {
                card.error = e.clone();
                errors.push(&format!("items[{position}].deadline"), e);
                None
            }
        };
        if content.trim().is_empty() {
            card.error =
                "Chưa ghi nội dung: hãy viết việc sẽ làm, hoặc xóa các ô của nội dung này".into();
            errors.push(&format!("items[{position}].content"), card.error.clone());
        }
        cards.push(card);
        items.push(ItemInput {
            kind,
            content,
            duty,
            target,
            deadline,
            evidence,
        });
    }
    (cards, items, errors)
}

/// The cards of a saved registration, with their flags and return comments.
pub(super) fn cards_of(r: &Registration) -> Vec<ItemForm> {
    r.items
        .iter()
        .enumerate()
        .map(|(k, i)| ItemForm {
            index: k,
            kind: i.kind.as_str(),
            content: i.content.clone(),
            duty: i.duty.clone(),
            target: i.target.clone(),
            deadline: date(i.deadline),
            evidence: i.evidence.clone(),
            flags: flag_views(&i.flags),
            return_comment: i.return_comment.clone(),
            error: String::new(),
        })
        .collect()
}

/// Appends blank cards (commitments, and exemplary ones for key cadres) after the written ones.
pub(super) fn with_blanks(mut cards: Vec<ItemForm>, min: usize, exemplary: bool) -> Vec<ItemForm> {
    let commitments = cards.iter().filter(|c| c.kind == "commitment").count();
    let blanks = BLANK_ITEMS.max(min.saturating_sub(commitments));
    for _ in 0..blanks {
        let index = cards.len();
        cards.push(ItemForm {
            index,
            kind: "commitment",
            ..ItemForm::default()
        });
    }
    if exemplary
        && !cards
            .iter()
            .any(|c| c.kind == "exemplary" && c.content.is_empty())
    {
        let index = cards.len();
        cards.push(ItemForm {
            index,
            kind: "exemplary",
            ..ItemForm::default()
        });
    }
    cards
}

/// Field errors from the store mapped onto the cards (index = item position − 1 in save order).
pub(super) fn place_errors(
    cards: &mut [ItemForm],
    errors: &[store::FieldError],
    form: &mut FormErrors,
) {
    for e in errors {
        let idx = e
            .field
            .strip_prefix("items[")
            .and_then(|s| s.split(']').next())
            .and_then(|s| s.parse::<usize>().ok());
        match idx.and_then(|i| cards.get_mut(i)) {
            Some(c) => {
                if c.error.is_empty() {
                    c.error = e.message.clone();
                }
            }
            None => form.push(&e.field, e.message.clone()),
        }
    }
}
