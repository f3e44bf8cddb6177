//! Documents on the pages: the upload control of every action form (a multipart post answered with an htmx
//! fragment that puts the file's digest into the action form) and the browser's download.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use govit_app::{AppError, DocumentMeta};

/// A document as the pages show it.
#[derive(Debug, Clone)]
pub(crate) struct AttachmentView {
    pub digest: String,
    /// The digest's first 12 hex digits.
    pub short: String,
    pub filename: String,
    pub kind: &'static str,
    pub size: String,
}

impl AttachmentView {
    pub(crate) fn of(meta: &DocumentMeta) -> AttachmentView {
        AttachmentView {
            digest: meta.digest.clone(),
            short: meta.digest.get(..12).unwrap_or(&meta.digest).to_owned(),
            filename: meta.filename.clone(),
            kind: meta.kind_label(),
            size: size_label(meta.size),
        }
    }
}

/// `532 B`, `35.2 KB`, `1.5 MB` (binary units, one decimal, integer arithmetic).
pub(crate) fn size_label(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    let tenths = |unit: u64| (bytes.saturating_mul(10) + unit / 2) / unit;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        let t = tenths(KB);
        format!("{}.{} KB", t / 10, t % 10)
    } else {
        let t = tenths(MB);
        format!("{}.{} MB", t / 10, t % 10)
    }
}

/// What an upload answers: the uploaded files as list items carrying hidden `attachments` inputs that
/// belong to the action form (`form="action-form"`), and any refusals.
#[derive(Template)]
#[template(path = "attachments_fragment.html")]
struct Fragment {
    attachments: Vec<AttachmentView>,
    errors: Vec<String>,
}

fn fragment(attachments: Vec<AttachmentView>, errors: Vec<String>, status: StatusCode) -> Response {
    let mut response = render(&Fragment { attachments, errors });
    *response.status_mut() = status;
    response
}

/// A file part of a multipart form.
pub(super) struct UploadedFile {
    pub name: String,
    pub media: String,
    pub bytes: axum::body::Bytes,
}

/// A multipart form read whole: its text fields and its `file` parts.
pub(super) struct MultipartForm {
    texts: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
}

impl MultipartForm {
    pub(super) fn text(&self, name: &str) -> Option<&str> {
        self.texts.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads every part: `file` parts as files (an empty file input, which still sends a nameless empty part, is
/// skipped), every other named part as text.
pub(super) async fn read_multipart(mut multipart: Multipart) -> Result<MultipartForm, MultipartError> {
    let mut form = MultipartForm { texts: Vec::new(), files: Vec::new() };
    while let Some(field) = multipart.next_field().await? {
        match field.name().map(str::to_owned) {
            Some(name) if name == "file" => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let media = field.content_type().unwrap_or("").to_owned();
                let bytes = field.bytes().await?;
                if !(bytes.is_empty() && file_name.is_empty()) {
                    form.files.push(UploadedFile { name: file_name, media, bytes });
                }
            }
            Some(name) => {
                let text = field.text().await?;
                form.texts.push((name, text));
            }
            None => {}
        }
    }
    Ok(form)
}

/// `POST /documents` (multipart): one or more `file` fields, and the form token as the `_csrf` field or the
/// `X-CSRF-Token` header.
pub(super) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            return Ok(fragment(
                Vec::new(),
                vec![format!("上传须为 multipart/form-data:{}", e.body_text())],
                e.status(),
            ));
        }
    };
    let header_token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let form = match read_multipart(multipart).await {
        Ok(form) => form,
        Err(e) => return Ok(multipart_failure(&e)),
    };
    let field_token = form.text("_csrf").map(str::to_owned);
    let files = form.files;
    let csrf_ok = [header_token.as_deref(), field_token.as_deref()].into_iter().any(|t| user.check_csrf(t).is_ok());
    if !csrf_ok {
        return Err(WebError::Forbidden("表单已过期或来源不明,请刷新页面后重试".to_owned()));
    }
    if files.is_empty() {
        return Ok(fragment(Vec::new(), vec!["请选择要上传的文件".to_owned()], StatusCode::UNPROCESSABLE_ENTITY));
    }
    let mut uploaded = Vec::new();
    let mut errors = Vec::new();
    for UploadedFile { name, media, bytes } in files {
        match state.app.upload_document(&user.session.actor, &name, &media, &bytes).await {
            Ok(meta) => uploaded.push(AttachmentView::of(&meta)),
            Err(AppError::Invalid { reason, .. }) => {
                let shown = if name.is_empty() { "文件".to_owned() } else { format!("“{name}”") };
                errors.push(format!("{shown}未上传:{reason}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(fragment(uploaded, errors, status))
}

fn multipart_failure(e: &MultipartError) -> Response {
    let status = e.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!("文件大小超过上限 {} MiB", govit_app::documents::MAX_DOCUMENT_BYTES / (1024 * 1024))
    } else {
        format!("上传的内容无法读取:{}", e.body_text())
    };
    fragment(Vec::new(), vec![message], status)
}

/// `GET /documents/{digest}`: the bytes, if the user may read them and they still match their digest.
pub(super) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(digest): Path<String>,
) -> Result<Response, WebError> {
    let (meta, bytes) = state.app.document(&user.session.actor, &digest).await.map_err(|e| match e {
        AppError::Invalid { .. } => WebError::NotFound("文件".to_owned()),
        other => other.into(),
    })?;
    Ok(crate::download::response(&meta, bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(size_label(532), "532 B");
        assert_eq!(size_label(36_045), "35.2 KB");
        assert_eq!(size_label(20 * 1024 * 1024), "20.0 MB");
    }
}
