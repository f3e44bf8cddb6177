//! Documents over HTTP: the API's raw upload and download (with its Content-Disposition), attachments on a
//! command, the larger body limit of the upload routes only, and the pages' multipart upload with its CSRF
//! token, the action form that carries the digests, the project's 申报材料 and the browser's download.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{command, login, spawn};
use serde_json::json;

const PLAN: &[u8] = b"%PDF-1.7\n%\xe5\xae\x9e\xe6\x96\xbd\n1 0 obj << >> endobj\n%%EOF\n";

fn register(name: &str) -> serde_json::Value {
    json!({ "do": "register_project", "with": { "name": name, "category": "business_application",
        "construction": "upgrade", "funding": "government_investment", "investment": 1_200_000 } })
}

/// One part of a multipart body: its name, `Some((filename, media type))` for a file, and its bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A multipart/form-data body and its content type.
fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "govit-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((filename, media)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {media}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn api_upload(
    s: &common::Server,
    c: &reqwest::Client,
    filename: &str,
    media: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    let encoded: String = filename.bytes().map(|b| format!("%{b:02X}")).collect();
    let r = c
        .post(format!("{}/api/v1/documents", s.base))
        .header("content-type", media)
        .header("x-filename", encoded)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn the_api_uploads_attaches_lists_and_downloads_a_document() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let (status, doc) = api_upload(&s, &c, "实施方案 v2.pdf", "application/pdf", PLAN.to_vec()).await;
    assert_eq!(status, 200, "{doc}");
    let digest = doc["digest"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 64);
    assert_eq!(doc["size"], PLAN.len());
    assert_eq!(doc["media_type"], "application/pdf");
    assert_eq!(doc["filename"], "实施方案 v2.pdf");

    let mut body = register("养老服务信息系统升级");
    body["attachments"] = json!([digest]);
    let (status, done) = command(&s, &c, body).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["events"][0]["record"]["attachments"], json!([digest]));
    let id = done["project"].as_str().unwrap().to_owned();

    let listed: serde_json::Value =
        c.get(format!("{}/api/v1/projects/{id}/documents", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed[0]["document"]["digest"], digest.as_str());
    assert_eq!(listed[0]["action"], "登记项目");

    let r = c.get(format!("{}/api/v1/documents/{digest}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88%20v2.pdf"), "{disposition}");
    assert_eq!(r.headers()["x-content-sm3"], digest.as_str());
    assert_eq!(r.bytes().await.unwrap().as_ref(), PLAN);

    // Another owner: as if it did not exist.
    let (other, _) = login(&s, "jiaoyu").await;
    let r = other.get(format!("{}/api/v1/documents/{digest}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // The bureau sees the project, so the document.
    let (bureau, _) = login(&s, "bureau").await;
    assert_eq!(bureau.get(format!("{}/api/v1/documents/{digest}", s.base)).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_openapi_document_describes_uploads_downloads_and_attachments() {
    let s = spawn().await;
    let doc: serde_json::Value =
        common::client().get(format!("{}/api/v1/openapi.json", s.base)).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/documents"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/documents/{digest}"]["get"]["responses"]["409"].is_object());
    assert!(doc["paths"]["/api/v1/projects/{id}/documents"]["get"].is_object());
    let variant = &doc["components"]["schemas"]["Command"]["oneOf"][0];
    assert_eq!(variant["properties"]["attachments"]["type"], "array");
}

#[tokio::test]
async fn the_api_refuses_bad_files_and_unknown_attachments() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let (status, err) = api_upload(&s, &c, "setup.exe", "application/x-msdownload", b"MZ\x90\x00".to_vec()).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["field"], "file");
    assert!(err["message"].as_str().unwrap().contains("不支持的文件类型"), "{err}");
    let (status, err) = api_upload(&s, &c, "方案.pdf", "application/pdf", b"not a pdf".to_vec()).await;
    assert_eq!(status, 400, "{err}");

    let mut body = register("某系统");
    body["attachments"] = json!(["0".repeat(64)]);
    let (status, err) = command(&s, &c, body).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["field"], "attachments");
    assert_eq!(s.app.store().decision_count().await.unwrap(), 0);
    let r = c.get(format!("{}/api/v1/documents/{}", s.base, "0".repeat(64))).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn uploads_may_exceed_the_general_body_limit_up_to_the_document_limit() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(govit_web::BODY_LIMIT * 2, b' ');
    let (status, doc) = api_upload(&s, &c, "大文件.pdf", "application/pdf", big).await;
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["size"], govit_web::BODY_LIMIT * 2);

    let mut over = b"%PDF-1.7\n".to_vec();
    over.resize(govit_app::documents::MAX_DOCUMENT_BYTES + 1, b' ');
    let (status, err) = api_upload(&s, &c, "超限.pdf", "application/pdf", over).await;
    assert_eq!(status, 400, "{err}");
    assert!(err["message"].as_str().unwrap().contains("20 MiB"), "{err}");

    let mut far_over = b"%PDF-1.7\n".to_vec();
    far_over.resize(govit_web::UPLOAD_BODY_LIMIT + 1, b' ');
    let (status, err) = api_upload(&s, &c, "超限.pdf", "application/pdf", far_over).await;
    assert_eq!(status, 413);
    assert_eq!(err["code"], "too_large", "the API answers in its JSON shape even before a handler runs: {err}");

    let body = vec![b' '; govit_web::BODY_LIMIT + 1];
    let r = c.post(format!("{}/api/v1/commands", s.base)).header("content-type", "application/json").body(body);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 413);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["code"], "too_large", "{err}");
    assert!(err["message"].as_str().unwrap().contains("一般请求至多2 MiB"), "{err}");
}

#[tokio::test]
async fn the_page_upload_needs_the_form_token_and_returns_a_hidden_attachment_for_the_action_form() {
    let s = spawn().await;
    let (c, csrf) = login(&s, "minzheng").await;
    let form = c.get(format!("{}/projects/new", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("hx-post=\"/documents\"") && form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(form.contains("type=\"file\" id=\"upload-file\" name=\"file\""), "{form}");

    // Without the token (neither field nor header; the test client sends the header, so it is blanked):
    // refused, nothing stored.
    let (ctype, body) = multipart(&[("file", Some(("实施方案.pdf", "application/pdf")), PLAN)]);
    let r = c
        .post(format!("{}/documents", s.base))
        .header("content-type", &ctype)
        .header("x-csrf-token", "")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // With the `_csrf` field.
    let (ctype, body) =
        multipart(&[("_csrf", None, csrf.as_bytes()), ("file", Some(("实施方案.pdf", "application/pdf")), PLAN)]);
    let r = c.post(format!("{}/documents", s.base)).header("content-type", &ctype).body(body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let fragment = r.text().await.unwrap();
    let digest = govit_app::documents::sm3_hex(PLAN);
    assert!(fragment.contains(&format!("name=\"attachments\" value=\"{digest}\" form=\"action-form\"")), "{fragment}");
    assert!(fragment.contains("实施方案.pdf"), "{fragment}");

    // With the X-CSRF-Token header htmx adds; a wrong type is answered in the fragment, 422.
    let (ctype, body) = multipart(&[("file", Some(("病毒.exe", "application/octet-stream")), b"MZ\x90\x00")]);
    let r = c
        .post(format!("{}/documents", s.base))
        .header("content-type", &ctype)
        .header("x-csrf-token", &csrf)
        .header("hx-request", "true")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不支持的文件类型"));

    // The action form carries the digest; the project page lists the file and links its download.
    let r = c
        .post(format!("{}/projects/new", s.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "智慧养老平台"),
            ("category", "business_application"),
            ("construction", "new"),
            ("funding", "government_investment"),
            ("investment", "120万"),
            ("attachments", digest.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let page = c.get(format!("{}{location}", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("href=\"/documents/{digest}\"")), "{page}");
    assert!(page.contains("实施方案.pdf") && page.contains(&digest[..12]) && page.contains("登记项目"), "{page}");
    let r = c.get(format!("{}/documents/{digest}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), PLAN);
    let (other, _) = login(&s, "jiaoyu").await;
    assert_eq!(other.get(format!("{}/documents/{digest}", s.base)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_refused_form_keeps_its_attachments() {
    let s = spawn().await;
    let (c, csrf) = login(&s, "minzheng").await;
    let (ctype, body) = multipart(&[
        ("_csrf", None, csrf.as_bytes()),
        ("file", Some(("评估报告.txt", "text/plain")), "评估意见".as_bytes()),
    ]);
    let r = c.post(format!("{}/documents", s.base)).header("content-type", &ctype).body(body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let digest = govit_app::documents::sm3_hex("评估意见".as_bytes());
    let r = c
        .post(format!("{}/projects/new", s.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "智慧养老平台"),
            ("investment", "十万"),
            ("attachments", digest.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{digest}\" form=\"action-form\"")) && html.contains("评估报告.txt"),
        "{html}"
    );
}

#[tokio::test]
async fn another_organisations_digest_cannot_be_attached_to_read_its_document() {
    let s = spawn().await;
    let (minzheng, _) = login(&s, "minzheng").await;
    let (status, doc) = api_upload(&s, &minzheng, "实施方案.pdf", "application/pdf", PLAN.to_vec()).await;
    assert_eq!(status, 200, "{doc}");
    let digest = doc["digest"].as_str().unwrap().to_owned();

    // 市教育局 knows the digest, attaches it to a registration of its own and would then read the file.
    let (jiaoyu, _) = login(&s, "jiaoyu").await;
    let before = s.app.store().event_count().await.unwrap();
    let mut body = register("教育数据平台");
    body["attachments"] = json!([digest]);
    let (status, err) = command(&s, &jiaoyu, body).await;
    assert_eq!(status, 403, "{err}");
    assert!(err["message"].as_str().unwrap().contains("无权附加文件"), "{err}");
    assert_eq!(s.app.store().event_count().await.unwrap(), before, "nothing was written");
    let r = jiaoyu.get(format!("{}/api/v1/documents/{digest}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 404, "still unreadable");

    // Holding the same bytes is another matter: uploading them makes the file its own to attach.
    let (status, _) = api_upload(&s, &jiaoyu, "同一份方案.pdf", "application/pdf", PLAN.to_vec()).await;
    assert_eq!(status, 200);
    let mut body = register("教育数据平台");
    body["attachments"] = json!([digest]);
    let (status, done) = command(&s, &jiaoyu, body).await;
    assert_eq!(status, 200, "{done}");
}
