//! Uploads that would take the server down once unpacked are refused in words before anything parses them,
//! and write nothing: a zip bomb (a proposal template carrying 200 MiB of zeros in a 200 KiB part), an archive
//! of too many parts, and a sheet with a value in its last cell (XFD1048576), which calamine would otherwise
//! lay out as seventeen billion cells. The fixtures are made at test time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::administration::NewOrganization;
use govit_app::exchange::{self, ImportError};
use govit_app::{App, FixedClock};
use govit_rules::vocab::OwnerKind;
use govit_rules::{Actor, Date, JurisdictionId, OrgName, Role, Year};
use std::io::{Cursor, Write};
use std::sync::Arc;
use zip::write::SimpleFileOptions;

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

fn actor(role: Role, org: &str) -> Actor {
    Actor { role, organization: OrgName::parse(org).unwrap(), jurisdiction: JurisdictionId::wuhan(), person: None }
}

async fn app() -> App {
    let app = App::new(
        govit_store::testing::store().await.unwrap(),
        govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap(),
        Arc::new(FixedClock::at(today())),
    );
    let org = NewOrganization {
        name: "市民政局".to_owned(),
        jurisdiction: "wuhan".to_owned(),
        owner_kind: Some(OwnerKind::PartyGovernmentOrgan),
        duty: None,
    };
    app.create_organization(&actor(Role::SystemAdmin, "系统管理"), org).await.unwrap();
    app
}

/// The template's parts copied as they are, then `extra` parts written by `write`.
fn template_with(extra: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let template = exchange::proposal_template(2027).unwrap();
    let mut source = zip::ZipArchive::new(Cursor::new(template)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..source.len() {
        out.raw_copy_file(source.by_index(i).unwrap()).unwrap();
    }
    extra(&mut out);
    out.finish().unwrap().into_inner()
}

async fn import(app: &App, bytes: &[u8]) -> Result<exchange::ImportReport, ImportError> {
    exchange::import_proposals(app, &actor(Role::Owner, "市民政局"), Year::new(2027).unwrap(), bytes, today()).await
}

async fn refused_as_too_large(bytes: &[u8], says: &str) {
    let app = app().await;
    let before = app.store().event_count().await.unwrap();
    let answer = import(&app, bytes).await;
    let Err(ImportError::TooLarge { reason }) = &answer else { panic!("{answer:?}") };
    assert!(reason.contains(says), "{reason}");
    assert_eq!(app.store().event_count().await.unwrap(), before, "nothing was written");
}

#[tokio::test]
async fn a_template_carrying_a_zip_bomb_is_refused_before_it_is_parsed() {
    let bomb = template_with(|out| {
        let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        out.start_file("xl/media/image1.bin", deflated).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..200 {
            out.write_all(&zeros).unwrap();
        }
    });
    assert!(bomb.len() < 1024 * 1024, "the bomb is small: {} bytes", bomb.len());
    refused_as_too_large(&bomb, "解压后超过16 MiB").await;
}

#[tokio::test]
async fn an_archive_of_too_many_parts_is_refused() {
    let many = template_with(|out| {
        for i in 0..300 {
            out.start_file(format!("xl/media/part{i}.bin"), SimpleFileOptions::default()).unwrap();
        }
    });
    refused_as_too_large(&many, "超过上限200个").await;
}

#[tokio::test]
async fn a_value_in_the_last_cell_of_a_sheet_is_refused_not_laid_out() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "项目名称").unwrap();
    sheet.write_string(1_048_575, 16_383, "很远").unwrap();
    refused_as_too_large(&book.save_to_buffer().unwrap(), "第1048576行第16384列").await;
}

#[tokio::test]
async fn a_whole_formatted_column_with_no_values_beyond_the_rows_is_still_a_sheet() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "不是申报表").unwrap();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.write_blank(1_048_575, 0, &bold).unwrap();
    let answer = import(&app().await, &book.save_to_buffer().unwrap()).await;
    assert!(matches!(answer, Err(ImportError::Layout { .. })), "{answer:?}");
}
