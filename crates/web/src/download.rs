//! A stored document as an HTTP download: its media type, an `attachment` disposition with the UTF-8 name
//! (RFC 6266 / RFC 8187), and headers that keep a browser from rendering or caching it.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use govit_app::DocumentMeta;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 8187 `attr-char`: everything but ALPHA / DIGIT / "!#$&+-.^_`|~" is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded`.
pub(crate) fn content_disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", utf8_percent_encode(filename, ATTR_CHAR))
}

/// Bytes govit made (a workbook, a 公文) as a download named `filename`, never cached.
pub(crate) fn attachment(media_type: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&content_disposition(filename))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) fn response(meta: &DocumentMeta, bytes: Vec<u8>) -> Response {
    let header_value = |text: &str| HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""));
    let content_type = HeaderValue::from_str(&meta.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, header_value(&content_disposition(&meta.filename))),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
            (HeaderName::from_static("x-content-sm3"), header_value(&meta.digest)),
        ],
        Body::from(bytes),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_name_is_percent_encoded_with_an_ascii_fallback() {
        let v = content_disposition("实施方案 v2.pdf");
        assert_eq!(
            v,
            "attachment; filename=\"____ v2.pdf\"; filename*=UTF-8''%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88%20v2.pdf"
        );
        assert!(content_disposition("a\"b.txt").contains("filename=\"a_b.txt\""));
    }
}
