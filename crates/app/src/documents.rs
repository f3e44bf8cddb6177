//! Documents: the 实施方案, 评估报告, 验收材料… an action relies on. Each is stored once under the SM3 digest
//! of its bytes; an action names the digests it used ([`crate::CommandRequest::attachments`]) and they are
//! written into its event, inside the hashed body. A download whose bytes no longer match their digest is
//! refused.
//!
//! Who may read a document: whoever may see ([`authz::may_view`]) a project it is linked to, and the
//! organisation that uploaded it (before any action used it).

use crate::describe::describe;
use crate::{App, AppError};
use govit_rules::{Actor, ProjectId, authz};
use govit_store::{DocumentRow, NewDocument, StoredEvent};
use serde::Serialize;
use sm3::{Digest, Sm3};
use std::collections::HashMap;

/// The largest document accepted: 20 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// The longest file name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

/// The most documents one action may name.
pub const MAX_ATTACHMENTS: usize = 50;

const UNSUPPORTED: &str =
    "不支持的文件类型:仅接受 PDF、OFD、Word(.doc/.docx)、Excel(.xls/.xlsx)、PNG、JPEG 图片和 UTF-8 文本(.txt)";

/// A stored document, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentMeta {
    /// Lowercase hex SM3 of the bytes.
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    pub filename: String,
    /// The organisation that uploaded it.
    pub uploaded_by: String,
    pub uploaded_at: String,
}

impl DocumentMeta {
    fn of(row: DocumentRow) -> DocumentMeta {
        DocumentMeta {
            digest: row.digest,
            size: u64::try_from(row.size).unwrap_or(0),
            media_type: row.media_type,
            filename: row.filename,
            uploaded_by: row.uploaded_by,
            uploaded_at: row.uploaded_at,
        }
    }

    /// The type in words (`PDF`, `Word`…), for people.
    pub fn kind_label(&self) -> &'static str {
        FileType::ALL.iter().find(|t| t.media_type() == self.media_type).map_or("文件", |t| t.label())
    }
}

/// A document as used by one event of a project.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectDocument {
    pub document: DocumentMeta,
    /// The event that used it.
    pub seq: i64,
    /// The event's date.
    pub on: String,
    /// The action, in Chinese (`报送审批`).
    pub action: &'static str,
    /// The event in one sentence.
    pub what: String,
}

/// The types accepted, each known by its extension, its media type and its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileType {
    Pdf,
    Ofd,
    Docx,
    Xlsx,
    Doc,
    Xls,
    Png,
    Jpeg,
    Text,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

impl FileType {
    const ALL: [FileType; 9] = [
        FileType::Pdf,
        FileType::Ofd,
        FileType::Docx,
        FileType::Xlsx,
        FileType::Doc,
        FileType::Xls,
        FileType::Png,
        FileType::Jpeg,
        FileType::Text,
    ];

    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &["pdf"],
            FileType::Ofd => &["ofd"],
            FileType::Docx => &["docx"],
            FileType::Xlsx => &["xlsx"],
            FileType::Doc => &["doc"],
            FileType::Xls => &["xls"],
            FileType::Png => &["png"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Text => &["txt"],
        }
    }

    /// The extension a name without one is given.
    fn extension(self) -> &'static str {
        self.extensions().first().copied().unwrap_or("bin")
    }

    /// The media type stored and served.
    fn media_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Ofd => "application/ofd",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Doc => "application/msword",
            FileType::Xls => "application/vnd.ms-excel",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Text => "text/plain; charset=utf-8",
        }
    }

    /// Media types a client may declare for it (lowercase, without parameters).
    fn declared_as(self, media: &str) -> bool {
        match self {
            FileType::Jpeg => media == "image/jpeg" || media == "image/jpg" || media == "image/pjpeg",
            FileType::Text => media == "text/plain",
            FileType::Ofd => media == "application/ofd" || media == "application/x-ofd",
            _ => media == self.media_type(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Ofd => "OFD",
            FileType::Docx | FileType::Doc => "Word",
            FileType::Xlsx | FileType::Xls => "Excel",
            FileType::Png => "PNG图片",
            FileType::Jpeg => "JPEG图片",
            FileType::Text => "文本",
        }
    }

    /// Whether the bytes are what the type says: the magic number, and for the zip-based formats the part
    /// every such file has (`word/`, `xl/`, `OFD.xml`), whose name a zip stores in clear.
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            FileType::Pdf => bytes.starts_with(b"%PDF"),
            FileType::Ofd => bytes.starts_with(ZIP) && contains(bytes, b"OFD.xml"),
            FileType::Docx => bytes.starts_with(ZIP) && contains(bytes, b"word/"),
            FileType::Xlsx => bytes.starts_with(ZIP) && contains(bytes, b"xl/"),
            FileType::Doc | FileType::Xls => bytes.starts_with(OLE),
            FileType::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            FileType::Jpeg => bytes.starts_with(b"\xFF\xD8\xFF"),
            FileType::Text => std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')),
        }
    }

    fn by_extension(ext: &str) -> Option<FileType> {
        let ext = ext.to_ascii_lowercase();
        FileType::ALL.into_iter().find(|t| t.extensions().contains(&ext.as_str()))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The file's type from its name and declared media type, checked against its bytes.
fn file_type(filename: &str, media_type: &str) -> Result<FileType, AppError> {
    let media = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let by_media = if media.is_empty() || media == "application/octet-stream" {
        None
    } else {
        Some(
            FileType::ALL
                .into_iter()
                .find(|t| t.declared_as(&media))
                .ok_or_else(|| AppError::invalid("file", format!("{UNSUPPORTED}(声明的类型为 {media})")))?,
        )
    };
    let by_extension = match filename.rsplit_once('.') {
        Some((_, ext)) => Some(
            FileType::by_extension(ext)
                .ok_or_else(|| AppError::invalid("file", format!("{UNSUPPORTED}(扩展名为 .{ext})")))?,
        ),
        None => None,
    };
    match (by_extension, by_media) {
        (Some(e), Some(m)) if e != m => Err(AppError::invalid(
            "file",
            format!("不支持的文件类型:扩展名 .{} 与声明的类型 {media} 不一致", e.extension()),
        )),
        (Some(t), _) | (None, Some(t)) => Ok(t),
        (None, None) => Err(AppError::invalid("file", format!("{UNSUPPORTED}(无法从文件名或类型判断)"))),
    }
}

/// A file name safe to store and to send back: the last path component, no control characters, at most
/// [`MAX_FILENAME_CHARS`] characters with its extension kept; a name is made up when nothing is left.
fn sanitize_filename(name: &str, kind: FileType) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((stem, ext)) if FileType::by_extension(ext).is_some() => (stem.trim().to_owned(), ext.to_owned()),
        _ => (clean.to_owned(), kind.extension().to_owned()),
    };
    let stem = if stem.is_empty() { "未命名".to_owned() } else { stem };
    let room = MAX_FILENAME_CHARS.saturating_sub(ext.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    format!("{stem}.{ext}")
}

/// The SM3 digest of bytes, as lowercase hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

/// A digest as given by a client: 64 hex digits, lowercased.
pub fn parse_digest(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(AppError::invalid(
            field,
            format!("“{}”不是SM3摘要(64位十六进制)", text.chars().take(80).collect::<String>()),
        ))
    }
}

fn not_found(digest: &str) -> AppError {
    AppError::NotFound { what: format!("文件 {}", digest.get(..12).unwrap_or(digest)) }
}

impl App {
    /// Stores an uploaded document under the SM3 digest of its bytes, after checking its size and that its
    /// name, declared type and bytes agree on one of the accepted types. The same bytes are stored once.
    pub async fn upload_document(
        &self,
        actor: &Actor,
        filename: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<DocumentMeta, AppError> {
        if bytes.is_empty() {
            return Err(AppError::invalid("file", "文件为空"));
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(AppError::invalid(
                "file",
                format!("文件大小超过上限 {} MiB", MAX_DOCUMENT_BYTES / (1024 * 1024)),
            ));
        }
        let name = filename.rsplit(['/', '\\']).next().unwrap_or("").trim();
        let kind = file_type(name, media_type)?;
        if !kind.matches(bytes) {
            return Err(AppError::invalid(
                "file",
                format!("不支持的文件类型:文件内容不是有效的{}文件(扩展名或类型与内容不符)", kind.label()),
            ));
        }
        let filename = sanitize_filename(name, kind);
        let digest = sm3_hex(bytes);
        let uploaded_at = self.clock.now().to_rfc3339();
        let organization = actor.organization.as_str();
        let new = NewDocument {
            digest: &digest,
            media_type: kind.media_type(),
            filename: &filename,
            uploaded_by: organization,
            uploaded_at: &uploaded_at,
            content: bytes,
        };
        let written = self.store.insert_document(&new).await?;
        tracing::info!(digest = %digest, size = bytes.len(), new = written, "document uploaded");
        let fresh = DocumentMeta {
            digest: digest.clone(),
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            media_type: kind.media_type().to_owned(),
            filename,
            uploaded_by: organization.to_owned(),
            uploaded_at,
        };
        if written {
            return Ok(fresh);
        }
        // Already held: the stored description if it is the uploader's own, otherwise what this upload said
        // (another organisation's file name is not disclosed).
        match self.store.document(&digest).await? {
            Some(row) if row.uploaded_by == organization => Ok(DocumentMeta::of(row)),
            _ => Ok(fresh),
        }
    }

    /// A document and its bytes, if `actor` may read it and the bytes still match their digest.
    pub async fn document(&self, actor: &Actor, digest: &str) -> Result<(DocumentMeta, Vec<u8>), AppError> {
        let digest = parse_digest("digest", digest)?;
        let Some((row, content)) = self.store.document_content(&digest).await? else {
            return Err(not_found(&digest));
        };
        if !self.may_read(actor, &row).await? {
            return Err(not_found(&digest));
        }
        let actual = sm3_hex(&content);
        if actual != row.digest {
            tracing::error!(digest = %row.digest, actual = %actual, "document bytes do not match their digest");
            return Err(AppError::Tampered { what: format!("文件“{}”", row.filename) });
        }
        Ok((DocumentMeta::of(row), content))
    }

    /// A document's description, if `actor` may read it.
    pub async fn document_meta(&self, actor: &Actor, digest: &str) -> Result<DocumentMeta, AppError> {
        let digest = parse_digest("digest", digest)?;
        match self.store.document(&digest).await? {
            Some(row) if self.may_read(actor, &row).await? => Ok(DocumentMeta::of(row)),
            _ => Err(not_found(&digest)),
        }
    }

    /// The documents used by a project's events, oldest first, if `actor` may see the project.
    pub async fn project_documents(&self, actor: &Actor, id: &ProjectId) -> Result<Vec<ProjectDocument>, AppError> {
        self.visible_project(actor, id).await?;
        let linked = self.store.project_documents(id.as_str()).await?;
        if linked.is_empty() {
            return Ok(Vec::new());
        }
        let events: HashMap<i64, StoredEvent> =
            self.store.project_events(id).await?.into_iter().map(|e| (e.seq, e)).collect();
        Ok(linked
            .into_iter()
            .map(|l| {
                let event = events.get(&l.seq).map(|e| &e.record.event);
                ProjectDocument {
                    document: DocumentMeta::of(l.document),
                    seq: l.seq,
                    on: l.on,
                    action: event.map_or("", |e| e.action().label()),
                    what: event.map(describe).unwrap_or_default(),
                }
            })
            .collect())
    }

    /// The digests an action names, checked: well formed, held by the store, each once, in order, and each
    /// one `actor` uploaded itself or may already read. Knowing a digest proves nothing: attaching another
    /// organisation's document to one's own action would otherwise make it readable (issue 17).
    pub(crate) async fn check_attachments(&self, actor: &Actor, given: &[String]) -> Result<Vec<String>, AppError> {
        if given.len() > MAX_ATTACHMENTS {
            return Err(AppError::invalid("attachments", format!("一次最多附{MAX_ATTACHMENTS}个文件")));
        }
        let mut out: Vec<String> = Vec::with_capacity(given.len());
        for text in given {
            let digest = parse_digest("attachments", text)?;
            if out.contains(&digest) {
                continue;
            }
            let short = digest.get(..12).unwrap_or(&digest);
            let Some(row) = self.store.document(&digest).await? else {
                return Err(AppError::invalid("attachments", format!("文件 {short} 不存在,请先上传")));
            };
            if !self.may_read(actor, &row).await? {
                return Err(AppError::Forbidden {
                    reason: format!("无权附加文件 {short}:本单位没有上传过该文件,也无权查看它"),
                });
            }
            out.push(digest);
        }
        Ok(out)
    }

    /// Every organisation that uploaded the bytes, and whoever may see a project the document is linked to.
    async fn may_read(&self, actor: &Actor, row: &DocumentRow) -> Result<bool, AppError> {
        if self.store.holds_document(&row.digest, actor.organization.as_str()).await? {
            return Ok(true);
        }
        for project in self.store.document_projects(&row.digest).await?.into_iter().flatten() {
            let Ok(id) = ProjectId::parse(project) else { continue };
            if let Some(p) = self.store.project(&id).await?
                && authz::may_view(actor, p.audience(), &self.policies)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_type_is_named_by_extension_or_media_type_and_both_must_agree() {
        assert_eq!(file_type("方案.pdf", "").unwrap(), FileType::Pdf);
        assert_eq!(file_type("方案.PDF", "application/octet-stream").unwrap(), FileType::Pdf);
        assert_eq!(file_type("scan", "image/jpeg").unwrap(), FileType::Jpeg);
        assert_eq!(file_type("a.txt", "text/plain; charset=UTF-8").unwrap(), FileType::Text);
        assert!(file_type("a.pdf", "image/png").is_err());
        assert!(file_type("a.exe", "application/pdf").is_err());
        assert!(file_type("a", "").is_err());
        assert!(file_type("a.pdf", "application/x-msdownload").is_err());
    }

    #[test]
    fn bytes_must_match_the_type() {
        assert!(FileType::Pdf.matches(b"%PDF-1.7\n"));
        assert!(!FileType::Pdf.matches(b"MZ\x90\x00"));
        assert!(FileType::Docx.matches(b"PK\x03\x04....word/document.xml"));
        assert!(!FileType::Docx.matches(b"PK\x03\x04....xl/workbook.xml"));
        assert!(FileType::Doc.matches(OLE));
        assert!(FileType::Text.matches("实施方案".as_bytes()));
        assert!(!FileType::Text.matches(b"\xff\xfe\x00"));
    }

    #[test]
    fn file_names_lose_paths_and_control_characters_and_keep_their_extension() {
        assert_eq!(sanitize_filename("../../etc/方案.pdf", FileType::Pdf), "方案.pdf");
        assert_eq!(sanitize_filename("C:\\Users\\x\\评估\u{0}报告.docx", FileType::Docx), "评估报告.docx");
        assert_eq!(sanitize_filename("", FileType::Png), "未命名.png");
        assert_eq!(sanitize_filename("scan", FileType::Jpeg), "scan.jpg");
        let long = format!("{}.pdf", "长".repeat(500));
        let cut = sanitize_filename(&long, FileType::Pdf);
        assert_eq!(cut.chars().count(), MAX_FILENAME_CHARS);
        assert!(cut.ends_with(".pdf"));
    }

    #[test]
    fn digests_are_64_hex_digits_lowercased() {
        let d = sm3_hex(b"abc");
        assert_eq!(d, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        assert_eq!(parse_digest("d", &d.to_uppercase()).unwrap(), d);
        assert!(parse_digest("d", "../etc/passwd").is_err());
    }
}
