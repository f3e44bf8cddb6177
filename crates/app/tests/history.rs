//! `import_history`: a city's records from before govit, one row per act, through the rules; all or none.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{administrator, open_account};
use govit_app::administration::{NewOrganization, NewUserInput};
use govit_app::exchange::history::HistoryError;
use govit_app::{App, AppError, FixedClock};
use govit_rules::vocab::OwnerKind;
use govit_rules::{Date, Role};
use std::sync::Arc;

const CITY: &str = include_str!("fixtures/history/city.csv");
const HEADER: &str = "date,project,organization,role,person,action,with\n";

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

/// A city set up for its history: its units and three accounts, no decision yet.
async fn city() -> App {
    let app = App::new(
        govit_store::testing::store().await.unwrap(),
        govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap(),
        Arc::new(FixedClock::at(today())),
    );
    let units: [(&str, Option<OwnerKind>, Option<Role>); 7] = [
        ("市民政局", Some(OwnerKind::PartyGovernmentOrgan), None),
        ("市档案馆", Some(OwnerKind::PublicInstitution), None),
        ("市政务服务和大数据管理局", None, Some(Role::Bureau)),
        ("武汉市人民政府", None, Some(Role::Government)),
        ("武汉某工程咨询公司", None, Some(Role::Consultant)),
        ("市财政局", None, Some(Role::Finance)),
        ("系统管理", None, None),
    ];
    for (name, owner_kind, duty) in units {
        let org = NewOrganization { name: name.to_owned(), jurisdiction: "wuhan".to_owned(), owner_kind, duty };
        app.create_organization(&administrator(Role::SystemAdmin), org).await.unwrap();
    }
    for (username, display_name, organization, role) in [
        ("minzheng", "张敏", "市民政局", Role::Owner),
        ("bureau", "李建国", "市政务服务和大数据管理局", Role::Bureau),
        ("admin", "方志远", "系统管理", Role::SystemAdmin),
    ] {
        let input = NewUserInput {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            organization: organization.to_owned(),
            password: "Wuhan@2021history".to_owned(),
            must_change_password: false,
        };
        open_account(&app, input, &[role]).await;
    }
    app
}

async fn import(app: &App, file: &str) -> Result<govit_app::exchange::history::HistoryReport, HistoryError> {
    let admin = app.account_actor("admin", None).await.unwrap();
    app.import_history(&admin, file.as_bytes(), |_, _| ()).await
}

/// The project the history calls `name`, by its name.
async fn status_of(app: &App, name: &str) -> String {
    let rows = app.store().projects(&govit_store::ProjectFilter::default()).await.unwrap();
    let row = rows.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no project {name}"));
    row.status.clone()
}

#[tokio::test]
async fn a_citys_history_comes_in_through_the_rules_naming_who_decided() {
    let app = city().await;
    let report = import(&app, CITY).await.unwrap();
    assert_eq!((report.rows, report.projects), (27, 2));
    assert_eq!(status_of(&app, "养老服务信息系统升级").await, "accepted");
    assert_eq!(status_of(&app, "档案查询小程序改造").await, "under_construction");
    assert_eq!(report.events, app.store().decision_count().await.unwrap());
    assert!(report.events >= 27, "{report:?}");

    let rows = app.store().projects(&govit_store::ProjectFilter::default()).await.unwrap();
    let mz = rows.iter().find(|p| p.name == "养老服务信息系统升级").unwrap();
    let timeline = app.timeline(&govit_rules::ProjectId::parse(&mz.id).unwrap()).await.unwrap();
    let approval = timeline.iter().find(|e| e.record.event.kind() == "stage_approved").unwrap();
    let person = approval.record.actor.person.as_ref().expect("the approval names its person");
    assert_eq!((person.account.as_str(), approval.record.on.to_string().as_str()), ("bureau", "2022-04-01"));
    let registered = timeline.first().unwrap();
    assert_eq!(registered.record.on.to_string(), "2022-01-05", "every act keeps its own date");

    let chain = app.store().verify_chain().await.unwrap();
    assert!(chain.first_break.is_none(), "{chain:?}");
    let log = app.store().security_events(100).await.unwrap();
    let (_, _, entry) = log.iter().find(|e| e.2.kind == "history_imported").expect("the import is in the security log");
    let by = entry.by.as_ref().and_then(|a| a.person.as_ref()).map(|p| p.account.as_str());
    assert!(entry.detail.contains(&report.sm3) && by == Some("admin"), "{entry:?}");
}

#[tokio::test]
async fn a_row_the_regulation_refuses_stops_the_import_with_its_articles_and_writes_nothing() {
    let app = city().await;
    // The filing before the plan is approved: refused under [7].
    let early = CITY.replace("2022-03-01,DA-2022-01", "2022-01-10,DA-2022-01");
    let mut lines: Vec<&str> = early.lines().collect();
    let filing = lines.iter().position(|l| l.contains("file_record")).unwrap();
    let moved = lines.remove(filing);
    let after = lines.iter().position(|l| l.contains("2022-01-10,DA-2022-01")).unwrap() + 1;
    lines.insert(after, moved);
    let file = lines.join("\n");
    let before = app.store().event_count().await.unwrap();
    let Err(HistoryError::Refused { row, reason, .. }) = import(&app, &file).await else { panic!("not refused") };
    assert_eq!(row, after as u32 + 1, "the row as a spreadsheet numbers it");
    assert!(reason.contains("[7]") || reason.contains("第七条"), "{reason}");
    assert_eq!(app.store().decision_count().await.unwrap(), 0, "nothing was written");
    assert!(app.store().event_count().await.unwrap() <= before + 1);

    // Once mended, the same system takes the history: the refusal left nothing behind.
    import(&app, CITY).await.unwrap();
}

#[tokio::test]
async fn every_row_that_does_not_read_is_listed_with_its_column_and_nothing_is_written() {
    let app = city().await;
    let file = format!(
        "{HEADER}\
         2022-13-01,P1,市民政局,owner,,register_project,{{}}\n\
         2022-01-05,P1,某不存在的单位,owner,,register_project,{{}}\n\
         2022-01-05,P1,市财政局,owner,,register_project,{{}}\n\
         2022-01-05,P1,市民政局,owner,bureau,register_project,{{}}\n\
         2022-01-05,P1,市民政局,owner,,build_everything,{{}}\n\
         2022-01-05,P1,市民政局,owner,,register_project,not json\n\
         2022-01-05,WH-2022-0001,市民政局,owner,,propose_for_plan,\"{{\"\"year\"\":2022}}\"\n\
         2022-01-04,,市政务服务和大数据管理局,bureau,,review_plan,\"{{\"\"year\"\":2022}}\"\n\
         2022-01-06,P9,市民政局,owner,,propose_for_plan,\"{{\"\"project\"\":\"\"P9\"\"}}\"\n\
         2027-01-01,,市政务服务和大数据管理局,bureau,,review_plan,\"{{\"\"year\"\":2022}}\"\n\
         2022-01-07,,市政务服务和大数据管理局,bureau,,publish_ranking,\"{{\"\"period\"\":\"\"2022-01\"\"}}\"\n\
         2022-01-07,P9,市民政局,owner\n\
         2022-01-07,P2,市民政局,owner,,register_project,\"{{\"\"name\"\":\"\"两行\"\",\n\"\"year\"\":2022}}\"\n\
         2022-01-08,P2,市民政局,owner,,propose_for_plan,\"{{\"\"year\"\":\"\"明年\"\"}}\"\n"
    );
    let Err(HistoryError::Invalid { errors, .. }) = import(&app, &file).await else { panic!("not invalid") };
    let seen: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(
        seen,
        [
            (2, "date"),
            (3, "organization"),
            (4, "role"),
            (5, "person"),
            (6, "action"),
            (7, "with"),
            (8, "project"),
            (9, "date"),
            (10, "with"),
            (11, "date"),
            (12, "action"),
            (13, "整行"),
            (14, "with"),
            (15, "with")
        ],
        "{errors:#?}"
    );
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(text[1].contains("不是本系统登记的单位"), "{text:?}");
    assert!(text[3].contains("bureau"), "{text:?}");
    assert!(text[6].contains("尚未登记"), "an id of the system is not a reference of the file: {text:?}");
    assert!(text[7].contains("先后"), "{text:?}");
    assert!(text[10].contains("电子监察"), "the system's own acts are not history: {text:?}");
    assert!(text[11].contains("列数应为7,实为4"), "{text:?}");
    // A registration lacking its fields is found when the file is read, not after rehearsing the rows above;
    // a quoted cell over two lines does not shift the rows after it.
    assert!(!text[12].contains("JSON"), "{text:?}");
    let registration = CITY.lines().nth(1).unwrap();
    let file = format!("{HEADER}{registration}\n2022-01-10,MZ-2022-01,市民政局,owner,,propose_for_plan,\"{{}}\"\n");
    let Err(HistoryError::Invalid { errors, .. }) = import(&app, &file).await else { panic!() };
    assert_eq!((errors[0].row, errors[0].column.as_str()), (3, "with"), "{errors:?}");
    assert!(errors[0].reason.contains("year"), "{errors:?}");
    assert_eq!(app.store().decision_count().await.unwrap(), 0);

    let Err(HistoryError::Invalid { errors, .. }) = import(&app, "date,project,who\n").await else { panic!() };
    assert_eq!((errors[0].row, errors[0].column.as_str()), (1, "表头"));
    let Err(HistoryError::Invalid { errors, .. }) = import(&app, HEADER).await else { panic!() };
    assert!(errors[0].reason.contains("没有历史记录"));
}

#[tokio::test]
async fn a_with_cell_too_large_to_be_a_command_is_refused_before_it_is_parsed() {
    let app = city().await;
    let huge = format!("{{\"\"name\"\":\"\"{}\"\"}}", "x".repeat(70 * 1024));
    let file = format!("{HEADER}2022-01-05,P1,市民政局,owner,,register_project,\"{huge}\"\n");
    let Err(HistoryError::Invalid { errors, .. }) = import(&app, &file).await else { panic!() };
    assert!(errors[0].reason.contains("64KB"), "{errors:?}");
}

#[tokio::test]
async fn history_comes_only_into_a_system_without_decisions() {
    let app = city().await;
    import(&app, CITY).await.unwrap();
    let events = app.store().event_count().await.unwrap();
    let Err(HistoryError::NotEmpty { decisions }) = import(&app, CITY).await else { panic!() };
    assert!(decisions > 0);
    assert_eq!(app.store().event_count().await.unwrap(), events);
}

#[tokio::test]
async fn only_the_system_administrator_imports_history() {
    let app = city().await;
    let bureau = app.account_actor("bureau", None).await.unwrap();
    let answer = app.import_history(&bureau, CITY.as_bytes(), |_, _| ()).await;
    let Err(HistoryError::App(AppError::Forbidden { reason })) = answer else { panic!("{answer:?}") };
    assert!(reason.contains("系统管理员"), "{reason}");
    assert_eq!(app.store().decision_count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_demo_city_written_as_history_comes_in_as_the_same_projects() {
    let today = today();
    let fresh = || async {
        App::new(
            govit_store::testing::store().await.unwrap(),
            govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap(),
            Arc::new(FixedClock::at(today)),
        )
    };
    let seeded = fresh().await;
    govit_app::demo::seed(&seeded, today).await.unwrap();
    let imported = fresh().await;
    let file = govit_app::demo::history(&imported, today, govit_app::demo::story_count()).unwrap();
    govit_app::demo::install(&imported).await.unwrap();
    let admin = imported.account_actor("admin", None).await.unwrap();
    let report = imported.import_history(&admin, &file, |_, _| ()).await.unwrap();
    assert_eq!(report.projects, govit_app::demo::story_count());
    let states = |rows: Vec<govit_store::ProjectRow>| {
        let mut v: Vec<(String, String, i64)> = rows.into_iter().map(|p| (p.name, p.status, p.investment)).collect();
        v.sort();
        v
    };
    let all = govit_store::ProjectFilter::default();
    assert_eq!(
        states(imported.store().projects(&all).await.unwrap()),
        states(seeded.store().projects(&all).await.unwrap()),
        "the same projects, at the same stages, with the same amounts"
    );
}
