//! Documents attached to records — a meeting's (minutes, sign-in sheets), an inspection case's (decision,
//! report, conclusion) and a criteria assessment's (evidence): one check of the file, one table shape, one
//! writer (`attach`: check, store and audit in one transaction) and one reader. The caller checks access.

use domain::text;
use serde::Serialize;
use sqlx::AnyPool;

use crate::{get, sql, FieldError, Result, StoreError};

/// Largest document attached to a record.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// A stored document, without its bytes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DocumentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// The table holding one kind of record's documents, and the column naming the record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner {
    table: &'static str,
    column: &'static str,
}

pub(crate) const MEETING: Owner = Owner {
    table: "meeting_documents",
    column: "meeting_id",
};
pub(crate) const CASE: Owner = Owner {
    table: "inspection_documents",
    column: "case_id",
};

pub(crate) const ASSESSMENT: Owner = Owner {
    table: "criteria_documents",
    column: "assessment_id",
};

const DOC_COLS: &str = "id, filename, content_type, size, uploaded_by, uploaded_at";

/// A file accepted for storing: a safe name and the type read from its bytes.
pub(crate) struct Checked {
    pub filename: String,
    pub content_type: &'static str,
}

/// Cleans the name and types the file by its content (`document_type`); a refusal is a Vietnamese error on
/// the form field `file`.
fn check(filename: &str, content: &[u8]) -> Result<Checked> {
    let filename = sanitize_filename(filename);
    let content_type = document_type(&filename, content)
        .map_err(|m| StoreError::Invalid(vec![FieldError::new("file", m)]))?;
    Ok(Checked {
        filename,
        content_type,
    })
}

/// The record a document is attached to, as the audit log names it.
pub(crate) struct Record<'a> {
    pub owner: Owner,
    pub id: i64,
    /// The audit entity ("inspection_case", "criteria_assessment", …).
    pub entity: &'static str,
    pub label: &'a str,
    pub unit_path: &'a str,
}

/// Checks a file (`check`), stores it for `record` and writes the `add_document` audit row, in one
/// transaction. The caller has checked that `actor` may add documents to the record.
pub(crate) async fn attach(
    db: &crate::Db,
    actor: &crate::Actor,
    record: Record<'_>,
    filename: &str,
    content: &[u8],
) -> Result<DocumentInfo> {
    let file = check(filename, content)?;
    let mut w = db.write().await?;
    let doc = insert(
        &mut w.tx,
        record.owner,
        record.id,
        &file,
        content,
        &actor.username,
        crate::ts(db.now()),
    )
    .await?;
    crate::audit::record(
        &mut w.tx,
        db.now(),
        actor,
        &crate::audit::AuditEvent::new("add_document", record.entity, record.id)
            .label(record.label)
            .unit(record.unit_path)
            .after(&serde_json::json!({ "document_id": doc.id, "filename": doc.filename, "size": doc.size })),
    )
    .await?;
    w.commit().await?;
    Ok(doc)
}

/// Stores a checked file for the record `owner_id`.
async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    owner: Owner,
    owner_id: i64,
    file: &Checked,
    content: &[u8],
    uploaded_by: &str,
    uploaded_at: String,
) -> Result<DocumentInfo> {
    let row = sqlx::query(&format!(
        "INSERT INTO {} ({}, filename, content_type, size, content, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        owner.table, owner.column
    ))
    .bind(owner_id)
    .bind(file.filename.clone())
    .bind(file.content_type)
    .bind(content.len() as i64)
    .bind(content.to_vec())
    .bind(uploaded_by.to_string())
    .bind(uploaded_at.clone())
    .fetch_one(&mut **tx)
    .await?;
    Ok(DocumentInfo {
        id: get(&row, "id")?,
        filename: file.filename.clone(),
        content_type: file.content_type.to_string(),
        size: content.len() as i64,
        uploaded_by: uploaded_by.to_string(),
        uploaded_at,
    })
}

/// The documents of the record `owner_id`, oldest first.
pub(crate) async fn list(pool: &AnyPool, owner: Owner, owner_id: i64) -> Result<Vec<DocumentInfo>> {
    let rows = sqlx::query(&format!(
        "SELECT {DOC_COLS} FROM {} WHERE {} = $1 ORDER BY id",
        owner.table, owner.column
    ))
    .bind(owner_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(sql::from_row::<DocumentInfo>).collect()
}

/// One document of the record `owner_id` with its bytes; `NotFound` when it belongs to another record.
pub(crate) async fn fetch(
    pool: &AnyPool,
    owner: Owner,
    owner_id: i64,
    doc_id: i64,
) -> Result<(DocumentInfo, Vec<u8>)> {
    let row = sqlx::query(&format!(
        "SELECT {DOC_COLS}, content FROM {} WHERE id = $1 AND {} = $2",
        owner.table, owner.column
    ))
    .bind(doc_id)
    .bind(owner_id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((sql::from_row::<DocumentInfo>(&row)?, get(&row, "content")?))
}

fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(200)
        .collect();
    let cleaned = text::normalize(cleaned.trim());
    if cleaned.is_empty() {
        "tai-lieu".to_string()
    } else {
        cleaned
    }
}

/// The content type of an accepted document, decided from its bytes (the name's extension must agree).
pub fn document_type(filename: &str, content: &[u8]) -> std::result::Result<&'static str, String> {
    if content.is_empty() {
        return Err("Tệp rỗng".to_string());
    }
    if content.len() > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "Tệp lớn quá {} MB (giới hạn {} MB)",
            content.len() / (1024 * 1024),
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        ));
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let by_magic = if content.starts_with(b"%PDF-") {
        Some("pdf")
    } else if content.starts_with(b"PK\x03\x04") {
        Some("zip")
    } else if content.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("ole")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else {
        None
    };
    let t = match (ext.as_str(), by_magic) {
        ("pdf", Some("pdf")) => "application/pdf",
        ("docx", Some("zip")) => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("xlsx", Some("zip")) => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ("pptx", Some("zip")) => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("doc", Some("ole")) => "application/msword",
        ("xls", Some("ole")) => "application/vnd.ms-excel",
        ("ppt", Some("ole")) => "application/vnd.ms-powerpoint",
        ("jpg" | "jpeg", Some("jpg")) => "image/jpeg",
        ("png", Some("png")) => "image/png",
        ("txt", None) if std::str::from_utf8(content).is_ok() => "text/plain; charset=utf-8",
        (_, _) => {
            return Err(format!(
                "Tệp \"{filename}\" không đúng loại: chỉ nhận PDF, Word, Excel, PowerPoint, JPG, PNG hoặc TXT, và nội dung phải đúng với phần mở rộng"
            ))
        }
    };
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::document_type;

    #[test]
    fn documents_are_typed_by_content() {
        assert!(document_type("a.pdf", b"%PDF-1.7 ...").is_ok());
        assert!(document_type("a.pdf", b"MZ\x90\x00").is_err());
        assert!(document_type("a.docx", b"%PDF-1.7").is_err());
        assert!(document_type("a.exe", b"PK\x03\x04").is_err());
        assert!(document_type("a.txt", "Nội dung".as_bytes()).is_ok());
        assert!(document_type("a.txt", b"").is_err());
    }
}
