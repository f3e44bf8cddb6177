//! Data exchange over HTTP, against a real server: 批复 and 备案回执 as PDF (text extracted with pdftotext and
//! checked), the proposal sheet imported from the page and the API (all rows or none), and the workbooks
//! through the API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use calamine::{Data, Reader, Xlsx};
use govit_app::demo::DEMO_PASSWORD;
use govit_app::exchange::TEMPLATE_HEADERS;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::io::Cursor;
use std::process::Command;

/// The text of a PDF by poppler's `pdftotext`; `None` (loudly) without it, a failure under `CI=true`.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("paper.pdf");
    std::fs::write(&path, bytes).unwrap();
    match Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("FAILED: pdftotext (apt-get install poppler-utils) is required with CI=true")
        }
        _ => {
            eprintln!("\n*** SKIPPED the PDF text checks: pdftotext not found (apt-get install poppler-utils) ***\n");
            None
        }
    }
}

/// Without line breaks: the typeset lines break anywhere.
fn joined(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The sequence number of the first event of `kind` on a project's timeline.
async fn seq_of(server: &common::Server, c: &reqwest::Client, project: &str, kind: &str) -> i64 {
    let timeline: Value = c
        .get(format!("{}/api/v1/projects/{project}/timeline", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    timeline.as_array().unwrap().iter().find(|e| e["record"]["event"]["type"] == kind).unwrap()["seq"].as_i64().unwrap()
}

async fn demo_login(server: &common::Server, user: &str) -> reqwest::Client {
    common::login_with(server, user, DEMO_PASSWORD).await.0
}

#[tokio::test]
async fn an_approval_reply_is_a_pdf_with_the_authority_the_approved_investment_and_the_articles() {
    let server = common::spawn_demo().await;
    let c = demo_login(&server, "bureau").await;
    let seq = seq_of(&server, &c, "wuhan-2025-0006", "stage_approved").await;
    let r = c.get(format!("{}/projects/wuhan-2025-0006/paper/{seq}", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let page = r.bytes().await.unwrap();
    assert!(page.starts_with(b"%PDF-"));
    let api = c.get(format!("{}/api/v1/projects/wuhan-2025-0006/papers/{seq}", server.base)).send().await.unwrap();
    assert_eq!(api.bytes().await.unwrap(), page, "the same events give the same bytes");
    let Some(text) = pdf_text(&page) else { return };
    let text = joined(&text);
    for expected in [
        "市政务服务和大数据管理局",
        &format!("武汉数审〔2026〕{seq}号"),
        "综合交通运行监测调度中心二期",
        "的批复",
        "市交通运输局：",
        "核定项目总投资",
        "关于信息资源共享和密码应用的意见",
        "第十三条",
        "第十六条",
        "此复。",
    ] {
        assert!(text.contains(expected), "the reply says {expected}: {text}");
    }
}

#[tokio::test]
async fn a_filing_receipt_is_a_pdf_for_a_filed_record_and_other_events_have_no_paper() {
    let server = common::spawn_demo().await;
    let c = demo_login(&server, "minzheng").await;
    let seq = seq_of(&server, &c, "wuhan-2022-0019", "record_filed").await;
    let r = c.get(format!("{}/projects/wuhan-2022-0019/paper/{seq}", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    if let Some(text) = pdf_text(&bytes) {
        let text = joined(&text);
        for expected in ["婚姻登记信息系统改造", "备案", "市民政局：", "投资50万元以下", "第八条"]
        {
            assert!(text.contains(expected), "the receipt says {expected}: {text}");
        }
    }
    let registered = seq_of(&server, &c, "wuhan-2022-0019", "project_registered").await;
    let r = c.get(format!("{}/projects/wuhan-2022-0019/paper/{registered}", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 404, "registering a project issues no paper");
    let r = c.get(format!("{}/api/v1/projects/wuhan-2022-0019/papers/{registered}", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let page = c.get(format!("{}/projects/wuhan-2022-0019", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/projects/wuhan-2022-0019/paper/{seq}")), "the timeline links the receipt");
}

#[tokio::test]
async fn an_owner_cannot_print_another_organisations_approval() {
    let server = common::spawn_demo().await;
    let bureau = demo_login(&server, "bureau").await;
    let seq = seq_of(&server, &bureau, "wuhan-2025-0006", "stage_approved").await;
    let minzheng = demo_login(&server, "minzheng").await;
    for url in
        [format!("/projects/wuhan-2025-0006/paper/{seq}"), format!("/api/v1/projects/wuhan-2025-0006/papers/{seq}")]
    {
        let r = minzheng.get(format!("{}{url}", server.base)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{url}");
    }
}

/// A proposal sheet as a unit returns it: a title naming the year, the template's headers, then `rows`.
fn sheet(year: i32, rows: &[[&str; 8]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write(0, 0, format!("{year}年度政务信息化项目年度计划申报表")).unwrap();
    for (row, cells) in (1u32..).zip(std::iter::once(&TEMPLATE_HEADERS).chain(rows)) {
        for (col, cell) in (0u16..).zip(cells) {
            ws.write(row, col, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

const GOOD: [[&str; 8]; 2] = [
    ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "120万", "否", "否", ""],
    ["救助对象动态监测系统", "信息资源库", "升级", "政府投资建设", "30万", "否", "否", ""],
];

#[tokio::test]
async fn the_proposal_sheet_uploaded_on_the_page_registers_and_proposes_every_row() {
    let server = common::spawn().await;
    let (c, csrf) = common::login(&server, "minzheng").await;
    let page = c.get(format!("{}/plans/import?year=2027", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"import-form\"") && page.contains("/plans/template.xlsx?year=2027"));
    let form = Form::new()
        .text("_csrf", csrf)
        .text("year", "2027")
        .part("file", Part::bytes(sheet(2027, &GOOD)).file_name("申报表.xlsx"));
    let r = c.post(format!("{}/plans/import", server.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("已导入2个项目"), "{page}");
    for name in ["社区养老服务数据平台", "救助对象动态监测系统", "自行实施并备案"] {
        assert!(page.contains(name), "the result lists {name}");
    }
    let (bureau, _) = common::login(&server, "bureau").await;
    let plan: Value =
        bureau.get(format!("{}/api/v1/plans/wuhan/2027", server.base)).send().await.unwrap().json().await.unwrap();
    let mut proposed = Vec::new();
    for id in plan["proposals"].as_array().unwrap() {
        let p: Value = bureau
            .get(format!("{}/api/v1/projects/{}", server.base, id.as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        proposed.push(p["project"]["name"].as_str().unwrap().to_owned());
    }
    assert_eq!(proposed, ["社区养老服务数据平台", "救助对象动态监测系统"]);
}

#[tokio::test]
async fn a_sheet_with_a_bad_cell_imports_nothing_and_names_the_row_the_column_and_the_reason() {
    let server = common::spawn().await;
    let (c, csrf) = common::login(&server, "minzheng").await;
    let before = server.app.store().event_count().await.unwrap();
    let mut rows = GOOD;
    rows[1][4] = "三十万";
    let r = c
        .post(format!("{}/api/v1/imports/proposals?year=2027", server.base))
        .header("content-type", govit_app::exchange::XLSX_MEDIA_TYPE)
        .body(sheet(2027, &rows))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "invalid");
    assert_eq!(body["field"], "file");
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{body}");
    let error = errors[0].as_str().unwrap();
    assert!(error.starts_with("第4行“投资额(元)”"), "{error}");
    let form = Form::new()
        .text("_csrf", csrf)
        .text("year", "2027")
        .part("file", Part::bytes(b"not a workbook".to_vec()).file_name("申报表.xlsx"));
    let r = c.post(format!("{}/plans/import", server.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("未导入任何项目") && page.contains("不是Excel工作簿"), "{page}");
    assert_eq!(server.app.store().event_count().await.unwrap(), before, "nothing was written");
}

#[tokio::test]
async fn only_a_project_owner_imports_proposals_and_a_rows_refusal_cites_its_articles() {
    let server = common::spawn().await;
    let (bureau, _) = common::login(&server, "bureau").await;
    let r = bureau
        .post(format!("{}/api/v1/imports/proposals?year=2027", server.base))
        .body(sheet(2027, &GOOD))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (c, _) = common::login(&server, "minzheng").await;
    let r = c
        .post(format!("{}/api/v1/imports/proposals?year=2027", server.base))
        .body(sheet(2026, &GOOD))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a sheet titled for another year");
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("与所选的2027年度不符"), "{body}");
}

fn cell(rows: &[Vec<Data>], r: usize, c: usize) -> String {
    rows.get(r).and_then(|row| row.get(c)).map(ToString::to_string).unwrap_or_default()
}

#[tokio::test]
async fn the_api_serves_the_same_workbooks_as_the_pages() {
    let server = common::spawn_demo().await;
    let c = demo_login(&server, "bureau").await;
    let page = c.get(format!("{}/plans/export.xlsx?jurisdiction=wuhan&year=2026", server.base)).send().await.unwrap();
    let api =
        c.get(format!("{}/api/v1/exports/plan.xlsx?jurisdiction=wuhan&year=2026", server.base)).send().await.unwrap();
    assert_eq!(api.status(), 200);
    assert_eq!(api.headers()["content-type"], govit_app::exchange::XLSX_MEDIA_TYPE);
    let (page, api) = (page.bytes().await.unwrap(), api.bytes().await.unwrap());
    let read = |bytes: &[u8]| {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
        let name = book.sheet_names()[0].clone();
        book.worksheet_range(&name).unwrap().rows().map(<[Data]>::to_vec).collect::<Vec<_>>()
    };
    let rows = read(&api);
    assert_eq!(rows, read(&page));
    assert!(cell(&rows, 0, 0).contains("武汉市2026年度"), "{}", cell(&rows, 0, 0));
    let r = c.get(format!("{}/api/v1/exports/projects.xlsx?status=approved", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = c.get(format!("{}/api/v1/exports/proposal-template.xlsx?year=2027", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = c.get(format!("{}/api/v1/exports/plan.xlsx?year=twenty", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 400, "a bad year is the caller's error");
    let spec: Value = c.get(format!("{}/api/v1/openapi.json", server.base)).send().await.unwrap().json().await.unwrap();
    for path in [
        "/api/v1/exports/plan.xlsx",
        "/api/v1/exports/projects.xlsx",
        "/api/v1/exports/proposal-template.xlsx",
        "/api/v1/projects/{id}/papers/{seq}",
        "/api/v1/imports/proposals",
    ] {
        assert!(spec["paths"].get(path).is_some(), "OpenAPI documents {path}");
    }
}

#[tokio::test]
async fn an_owners_export_holds_only_its_own_projects() {
    let server = common::spawn_demo().await;
    let c = demo_login(&server, "minzheng").await;
    let r = c.get(format!("{}/api/v1/exports/projects.xlsx", server.base)).send().await.unwrap();
    let bytes = r.bytes().await.unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let rows: Vec<Vec<Data>> = book.worksheet_range(&name).unwrap().rows().map(<[Data]>::to_vec).collect();
    // Data rows carry a project number (小计 and 合计 rows do not).
    let projects: Vec<String> =
        rows.iter().skip(3).filter(|r| r[1].to_string().contains('-')).map(|r| r[3].to_string()).collect();
    assert!(projects.len() >= 5, "{projects:?}");
    assert!(projects.iter().all(|owner| owner == "市民政局"), "another organisation's row: {projects:?}");
    let other = c.get(format!("{}/projects/wuhan-2025-0006", server.base)).send().await.unwrap();
    assert_eq!(other.status(), 404, "another organisation's project page");
}

#[tokio::test]
async fn a_sheet_that_unpacks_past_its_bounds_answers_422_too_large_and_writes_nothing() {
    let server = common::spawn().await;
    let (c, _) = common::login(&server, "minzheng").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(1_048_575, 16_383, "XFD1048576").unwrap();
    let before = server.app.store().event_count().await.unwrap();
    let r = c
        .post(format!("{}/api/v1/imports/proposals?year=2027", server.base))
        .body(book.save_to_buffer().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "too_large", "{body}");
    assert!(body["message"].as_str().unwrap().contains("超出1050行、64列的范围"), "{body}");
    assert_eq!(server.app.store().event_count().await.unwrap(), before, "nothing was written");
}
