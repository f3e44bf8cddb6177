//! Data exchange with Excel on the demo city: the annual plan and project lists out (read back with calamine
//! and compared with the app's data to the yuan), the proposal template in (filled with rust_xlsxwriter,
//! imported, projects registered and proposed), and imports that must write nothing: bad rows, rows the rules
//! refuse, files that are not workbooks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use calamine::{Data, Reader, Xlsx};
use govit_app::exchange::{self, ImportError, TEMPLATE_HEADERS};
use govit_app::listing::ProjectQuery;
use govit_app::{App, FixedClock, demo};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::vocab::{PlanStatus, Route, Status};
use govit_rules::{Action, Actor, Article, Date, JurisdictionId, Money, OrgName, Project, Rejection, Role};
use rust_xlsxwriter::Workbook;
use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::sync::Arc;

const PLAN_HEADERS: [&str; 12] = [
    "序号",
    "项目编号",
    "项目名称",
    "建设单位",
    "项目类别",
    "建设性质",
    "管理路径",
    "审批部门",
    "登记投资(万元)",
    "核定投资(万元)",
    "状态",
    "列入情况",
];

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

async fn demo_city() -> App {
    let app = App::new(
        govit_store::testing::store().await.unwrap(),
        load(BUILTIN).unwrap(),
        Arc::new(FixedClock::at(today())),
    );
    demo::seed(&app, today()).await.unwrap();
    app
}

fn actor(role: Role, org: &str) -> Actor {
    Actor { role, organization: OrgName::parse(org).unwrap(), jurisdiction: JurisdictionId::wuhan(), person: None }
}

fn bureau() -> Actor {
    actor(Role::Bureau, "市政务服务和大数据管理局")
}

fn minzheng() -> Actor {
    actor(Role::Owner, "市民政局")
}

/// Every row of a sheet, from A1.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "sheet {name} starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    workbook.sheet_names()
}

/// A part of the workbook's zip, as text (to check what calamine does not read: panes, formats, validations).
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// An amount cell (万元) back to yuan, exactly: the number printed with four decimals and read as "…万".
fn money(d: &Data) -> Option<Money> {
    match d {
        Data::Float(f) => Some(Money::parse(&format!("{f:.4}万")).unwrap()),
        Data::Int(i) => Some(Money::parse(&format!("{i}万")).unwrap()),
        Data::Empty => None,
        other => panic!("not an amount: {other:?}"),
    }
}

fn sum(amounts: impl IntoIterator<Item = Money>) -> Money {
    amounts.into_iter().fold(Money::ZERO, Money::saturating_add)
}

fn sum_approved<'a>(rows: impl IntoIterator<Item = &'a Vec<Data>>) -> Option<Money> {
    rows.into_iter().filter_map(|r| money(&r[9])).reduce(Money::saturating_add)
}

/// A project row has its 序号 as a number; 小计 and 合计 rows leave it blank.
fn is_project_row(row: &[Data]) -> bool {
    matches!(row[0], Data::Float(_) | Data::Int(_))
}

/// Checks an exported sheet's rows against the projects they name, and every subtotal and the total against
/// the rows above them. Returns the project rows.
fn check_export(rows: &[Vec<Data>], projects: &[Project]) -> Vec<Vec<Data>> {
    let body = &rows[3..];
    let mut group: Vec<&Vec<Data>> = Vec::new();
    let mut all: Vec<Vec<Data>> = Vec::new();
    let mut seq = 0;
    let mut subtotals = 0;
    for (i, row) in body.iter().enumerate() {
        if is_project_row(row) {
            seq += 1;
            assert_eq!(text(&row[0]), seq.to_string(), "序号 runs on");
            let id = text(&row[1]);
            let p = projects.iter().find(|p| p.id.as_str() == id).unwrap_or_else(|| panic!("{id} not expected"));
            assert_eq!(text(&row[2]), p.name.as_str());
            assert_eq!(text(&row[3]), p.owner.name.as_str());
            assert_eq!(text(&row[4]), p.category.label());
            assert_eq!(text(&row[5]), p.construction.label());
            assert_eq!(text(&row[6]), p.route.label());
            assert_eq!(money(&row[8]), Some(p.investment), "{id} 登记投资");
            assert_eq!(money(&row[9]), p.approved_investment, "{id} 核定投资");
            assert_eq!(text(&row[10]), p.status.label());
            assert!(!text(&row[11]).is_empty(), "{id} 列入情况");
            if let Some(first) = group.first() {
                assert_eq!(text(&first[3]), text(&row[3]), "one department per group");
            }
            group.push(row);
            all.push(row.clone());
        } else if text(&row[2]).starts_with("小计") {
            subtotals += 1;
            assert!(!group.is_empty(), "a subtotal closes a group");
            assert_eq!(text(&row[2]), format!("小计({}项)", group.len()));
            assert_eq!(text(&row[3]), text(&group[0][3]), "the subtotal names its department");
            assert_eq!(money(&row[8]), Some(sum(group.iter().map(|r| money(&r[8]).unwrap()))));
            assert_eq!(money(&row[9]), sum_approved(group.iter().copied()));
            group.clear();
        } else {
            assert_eq!(i, body.len() - 1, "the grand total is the last row");
            assert!(group.is_empty(), "every group has its subtotal before the total");
            assert_eq!(text(&row[2]), format!("合计({}项)", all.len()));
            assert_eq!(money(&row[8]), Some(sum(all.iter().map(|r| money(&r[8]).unwrap()))));
            assert_eq!(money(&row[9]), sum_approved(all.iter()));
            assert_eq!(money(&row[8]), Some(sum(projects.iter().map(|p| p.investment))));
        }
    }
    let owners: BTreeSet<String> = all.iter().map(|r| text(&r[3])).collect();
    assert_eq!(subtotals, owners.len(), "one subtotal per department, departments not split");
    all
}

#[tokio::test]
async fn the_plan_workbook_reads_back_as_the_apps_data_to_the_yuan() {
    let app = demo_city().await;
    let wuhan = JurisdictionId::wuhan();
    let bytes = exchange::plan_workbook(&app, &bureau(), &wuhan, 2026, today()).await.unwrap();
    assert_eq!(sheet_names(&bytes), ["年度实施计划"]);
    let rows = sheet(&bytes, "年度实施计划");
    assert_eq!(text(&rows[0][0]), "武汉市2026年度政务信息化项目年度实施计划");
    assert!(text(&rows[1][0]).contains("金额单位:万元"), "{}", text(&rows[1][0]));
    let headers: Vec<String> = rows[2].iter().map(text).collect();
    assert_eq!(headers, PLAN_HEADERS);

    let expected: Vec<Project> = app
        .visible_projects(&bureau())
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.jurisdiction == wuhan && p.plan.as_ref().is_some_and(|e| e.year == 2026))
        .collect();
    assert!(expected.len() >= 10, "{} projects in the 2026 plan", expected.len());
    let exported = check_export(&rows, &expected);
    let ids: BTreeSet<String> = exported.iter().map(|r| text(&r[1])).collect();
    let wanted: BTreeSet<String> = expected.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(ids, wanted, "exactly the plan's projects");
    assert!(exported.iter().any(|r| text(&r[11]) == "已列入年度实施计划"));
    assert!(exported.iter().any(|r| money(&r[9]).is_some()), "some approved amounts");

    // Frozen below the header, an autofilter over header and rows, amounts formatted #,##0.00.
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"ySplit="3""#) && xml.contains(r#"state="frozen""#), "frozen header");
    assert!(xml.contains(&format!(r#"<autoFilter ref="A3:L{}"/>"#, rows.len())), "autofilter");
    assert!(part(&bytes, "xl/styles.xml").contains(r##"formatCode="#,##0.00""##));

    // A department sees its own projects only; the 2027 plan lists proposals not yet reviewed.
    let own = exchange::plan_workbook(&app, &minzheng(), &wuhan, 2027, today()).await.unwrap();
    let own_rows = sheet(&own, "年度实施计划");
    let projects = app.visible_projects(&minzheng()).await.unwrap();
    let own_2027: Vec<Project> =
        projects.into_iter().filter(|p| p.plan.as_ref().is_some_and(|e| e.year == 2027)).collect();
    let exported = check_export(&own_rows, &own_2027);
    assert!(!exported.is_empty());
    assert!(exported.iter().all(|r| text(&r[3]) == "市民政局"));
    assert!(exported.iter().all(|r| text(&r[11]) == "已申报(待论证)"));

    let unknown = JurisdictionId::parse("nowhere").unwrap();
    assert!(exchange::plan_workbook(&app, &bureau(), &unknown, 2026, today()).await.is_err());
}

#[tokio::test]
async fn a_filtered_project_list_exports_every_row_with_its_overdue_items() {
    let app = demo_city().await;
    let everything = exchange::projects_workbook(&app, &bureau(), &ProjectQuery::default(), today()).await.unwrap();
    let rows = sheet(&everything, "项目清单");
    let headers: Vec<String> = rows[2].iter().map(text).collect();
    let mut wanted: Vec<String> = PLAN_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    wanted.push("逾期事项".to_owned());
    assert_eq!(headers, wanted);
    let projects = app.visible_projects(&bureau()).await.unwrap();
    let exported = check_export(&rows, &projects);
    assert_eq!(exported.len(), projects.len(), "every page of the list");

    let query = ProjectQuery { overdue: Some(true), ..ProjectQuery::default() };
    let all_rows = ProjectQuery { per_page: Some(500), ..query.clone() };
    let listed = app.list_projects(&bureau(), &all_rows, today()).await.unwrap();
    assert_eq!(listed.pages, 1);
    let overdue = exchange::projects_workbook(&app, &bureau(), &query, today()).await.unwrap();
    let rows = sheet(&overdue, "项目清单");
    assert!(text(&rows[1][0]).contains("仅含有逾期事项的项目"));
    let overdue_projects: Vec<Project> =
        projects.into_iter().filter(|p| listed.rows.iter().any(|s| s.id == p.id)).collect();
    let exported = check_export(&rows, &overdue_projects);
    assert_eq!(exported.len(), listed.total);
    assert!(exported.len() >= 3, "{} overdue", exported.len());
    for row in &exported {
        let summary = listed.rows.iter().find(|s| s.id.as_str() == text(&row[1])).unwrap();
        assert_eq!(text(&row[12]), summary.overdue.join("、"));
    }
}

/// A filled-in proposal sheet as a unit would return it: the template's title and headers, then `rows`.
/// Cells that read as whole numbers are written as numbers, as Excel would keep them.
fn filled(template: &[u8], rows: &[[&str; 8]]) -> Vec<u8> {
    let original = sheet(template, "申报表");
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("申报表").unwrap();
    ws.write(0, 0, text(&original[0][0])).unwrap();
    for (col, header) in (0u16..).zip(&original[1]) {
        ws.write(1, col, text(header)).unwrap();
    }
    for (r, row) in (2u32..).zip(rows) {
        for (col, value) in (0u16..).zip(row) {
            match value.parse::<i32>() {
                Ok(n) => ws.write_number(r, col, n).unwrap(),
                Err(_) if value.is_empty() => ws,
                Err(_) => ws.write_string(r, col, *value).unwrap(),
            };
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_template_filled_in_registers_and_proposes_every_row() {
    let app = demo_city().await;
    let template = exchange::proposal_template(2027).unwrap();
    assert_eq!(sheet_names(&template), ["申报表", "说明"]);
    let form = sheet(&template, "申报表");
    assert_eq!(text(&form[0][0]), "2027年度政务信息化项目年度计划申报表");
    let headers: Vec<String> = form[1].iter().map(text).collect();
    assert_eq!(headers, TEMPLATE_HEADERS);
    let notes: Vec<String> = sheet(&template, "说明").iter().flatten().map(text).collect();
    for article in ["第三条", "第八条", "第九条"] {
        assert!(notes.iter().any(|t| t == article), "说明 quotes {article}");
    }
    assert!(notes.iter().any(|t| t.contains("集中采购的办公设备和楼宇智能化项目")), "[3]'s text");
    let xml = part(&template, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"type="list""#), "dropdowns");
    for label in ["电子政务网络平台", "业务应用信息系统", "新建", "升级", "政府投资建设", "政府资金运行维护", "是,否"]
    {
        assert!(xml.contains(label), "dropdown offers {label}");
    }

    let before = app.store().event_count().await.unwrap();
    let rows = [
        ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "1200000", "否", "否", ""],
        ["救助对象动态监测系统", "information_resource_database", "upgrade", "政府向社会购买服务", "30万", "", "", ""],
        ["婚姻登记智能终端配套系统", "电子政务基础设施", "新建", "政府投资建设", "80.5万元", "是", "否", ""],
    ];
    let upload = filled(&template, &rows);
    let report = exchange::import_proposals(&app, &minzheng(), plan_year(2027), &upload, today()).await.unwrap();
    assert_eq!(report.year, plan_year(2027));
    assert_eq!(report.owner, "市民政局");
    assert_eq!(report.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 4, 5], "Excel's row numbers");
    let expected = [
        (1_200_000, Route::Approval, "社区养老服务数据平台"),
        (300_000, Route::Filing, "救助对象动态监测系统"),
        (805_000, Route::CapitalConstruction, "婚姻登记智能终端配套系统"),
    ];
    for (row, (yuan, route, name)) in report.rows.iter().zip(expected) {
        assert!(!row.replayed);
        assert_eq!(row.name, name);
        let p = app.store().project(&row.project).await.unwrap().unwrap();
        assert_eq!(p.name.as_str(), name);
        assert_eq!(p.owner.name.as_str(), "市民政局");
        assert_eq!(p.investment, Money::from_yuan(yuan).unwrap());
        assert_eq!(p.route, route, "{name}");
        assert_eq!(row.route_label, route.label());
        assert_eq!(p.status, Status::Proposed);
        assert_eq!(p.plan.as_ref().map(|e| e.year), Some(2027));
        assert!(row.project.as_str().starts_with("wuhan-2026-"), "{}", row.project);
    }
    assert_eq!(app.store().event_count().await.unwrap(), before + 6, "two events a row");

    // The same file again changes nothing: every row is recognised and replayed.
    let again = exchange::import_proposals(&app, &minzheng(), plan_year(2027), &upload, today()).await.unwrap();
    assert!(again.rows.iter().all(|r| r.replayed));
    let first: Vec<_> = report.rows.iter().map(|r| r.project.clone()).collect();
    assert_eq!(again.rows.iter().map(|r| r.project.clone()).collect::<Vec<_>>(), first);
    assert_eq!(app.store().event_count().await.unwrap(), before + 6);

    // And the plan workbook now lists them, to the yuan.
    let plan = exchange::plan_workbook(&app, &minzheng(), &JurisdictionId::wuhan(), 2027, today()).await.unwrap();
    let plan_rows = sheet(&plan, "年度实施计划");
    for (row, (yuan, _, _)) in report.rows.iter().zip(expected) {
        let line = plan_rows.iter().find(|r| text(&r[1]) == row.project.as_str()).unwrap();
        assert_eq!(money(&line[8]), Some(Money::from_yuan(yuan).unwrap()));
        assert_eq!(text(&line[11]), "已申报(待论证)");
    }
}

#[tokio::test]
async fn a_sheet_with_bad_rows_imports_nothing_and_names_every_error() {
    let app = demo_city().await;
    let template = exchange::proposal_template(2027).unwrap();
    let rows = [
        ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "1200000", "否", "否", ""],
        ["", "业务应用信息系统", "新建", "政府投资建设", "500000", "否", "否", ""],
        ["救助管理系统", "办公软件", "新建", "政府投资建设", "500000", "否", "否", ""],
        ["殡葬服务平台", "业务应用信息系统", "新建", "政府投资建设", "-50000", "否", "否", ""],
        ["慈善信息平台", "业务应用信息系统", "新建", "政府投资建设", "500000", "可能", "否", ""],
        ["社会组织监管系统", "业务应用信息系统", "翻新", "政府投资建设", "12.5", "否", "不", ""],
        ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "600000", "否", "否", ""],
    ];
    let before = app.store().event_count().await.unwrap();
    let err = exchange::import_proposals(&app, &minzheng(), plan_year(2027), &filled(&template, &rows), today()).await;
    let Err(ImportError::Invalid { errors }) = err else { panic!("{err:?}") };
    let found: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(
        found,
        [
            (4, "项目名称"),
            (5, "项目类别"),
            (6, "投资额(元)"),
            (7, "与固定资产投资同步建设(是/否)"),
            (8, "建设性质"),
            (8, "投资额(元)"),
            (8, "自建自用(是/否)"),
            (9, "项目名称"),
        ]
    );
    assert!(errors[0].reason.contains("不能为空"), "{}", errors[0]);
    assert!(errors[1].reason.contains("“办公软件”不是有效的项目类别"), "{}", errors[1]);
    assert!(errors[2].reason.contains("负数"), "{}", errors[2]);
    assert!(errors[3].reason.contains("应填“是”或“否”"), "{}", errors[3]);
    assert!(errors[7].reason.contains("与第3行的项目名称重复"), "{}", errors[7]);
    assert_eq!(errors[1].to_string(), format!("第5行“项目类别”:{}", errors[1].reason));
    assert_eq!(app.store().event_count().await.unwrap(), before, "nothing written");
}

#[tokio::test]
async fn a_row_the_rules_refuse_imports_nothing() {
    let app = demo_city().await;
    let before = app.store().event_count().await.unwrap();
    let projects = app.store().project_states(None).await.unwrap().len();

    // [3]: office equipment is outside the regulation; the valid first row is not written either.
    let template = exchange::proposal_template(2027).unwrap();
    let rows = [
        ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "1200000", "否", "否", ""],
        ["办公电脑集中采购", "集中采购的办公设备", "新建", "政府投资建设", "400000", "否", "否", ""],
    ];
    let err = exchange::import_proposals(&app, &minzheng(), plan_year(2027), &filled(&template, &rows), today()).await;
    let Err(ImportError::Rejected { rows: refused }) = err else { panic!("{err:?}") };
    assert_eq!(refused.len(), 1);
    assert_eq!((refused[0].row, refused[0].action), (4, Action::RegisterProject));
    let Rejection::Refused(refusal) = &refused[0].rejection else { panic!("{:?}", refused[0].rejection) };
    assert_eq!(refusal.articles(), [Article(3)]);
    assert!(refused[0].to_string().starts_with("第4行“办公电脑集中采购”登记项目不予受理"), "{}", refused[0]);

    // [7]: the 2026 plan is approved: only supplementary inclusion is left, so every row is refused.
    let plan = app.store().plan(&JurisdictionId::wuhan(), 2026).await.unwrap().unwrap();
    assert_eq!(plan.status, PlanStatus::Approved);
    let template = exchange::proposal_template(2026).unwrap();
    let late =
        exchange::import_proposals(&app, &minzheng(), plan_year(2026), &filled(&template, &rows[..1]), today()).await;
    let Err(ImportError::Rejected { rows: refused }) = late else { panic!("{late:?}") };
    assert_eq!((refused[0].row, refused[0].action), (3, Action::ProposeForPlan));
    let Rejection::Refused(refusal) = &refused[0].rejection else { panic!() };
    assert_eq!(refusal.articles(), [Article(7)]);

    assert_eq!(app.store().event_count().await.unwrap(), before, "nothing written");
    assert_eq!(app.store().project_states(None).await.unwrap().len(), projects);
}

#[tokio::test]
async fn uploads_that_are_not_proposal_sheets_are_clear_errors() {
    let app = demo_city().await;
    let who = minzheng();
    let import = |bytes: Vec<u8>, year: i32| {
        let (app, who) = (&app, &who);
        async move { exchange::import_proposals(app, who, plan_year(year), &bytes, today()).await }
    };
    for (bytes, says) in [
        (Vec::new(), "文件为空"),
        (b"%PDF-1.7 not a workbook".to_vec(), "不是.xlsx格式"),
        (vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], ".xls"),
        (b"PK\x03\x04 broken zip".to_vec(), "无法作为.xlsx工作簿读取"),
    ] {
        let err = import(bytes, 2027).await;
        let Err(e @ ImportError::NotXlsx { .. }) = err else { panic!("{err:?}") };
        assert!(e.to_string().starts_with("上传的文件不是Excel工作簿(.xlsx)"), "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }

    // A workbook, but not the template: no header; a missing column; another year's sheet; no rows.
    let mut other = Workbook::new();
    other.add_worksheet().write(0, 0, "随便什么").unwrap();
    let err = import(other.save_to_buffer().unwrap(), 2027).await;
    assert!(matches!(&err, Err(ImportError::Layout { reason }) if reason.contains("找不到表头")), "{err:?}");
    let mut partial = Workbook::new();
    let ws = partial.add_worksheet();
    ws.write(0, 0, "项目名称").unwrap();
    ws.write(0, 1, "项目类别").unwrap();
    let err = import(partial.save_to_buffer().unwrap(), 2027).await;
    assert!(
        matches!(&err, Err(ImportError::Layout { reason }) if reason.contains("建设性质") && reason.contains("投资额(元)")),
        "{err:?}"
    );
    let row = ["社区养老服务数据平台", "业务应用信息系统", "新建", "政府投资建设", "1200000", "否", "否", ""];
    let template_2028 = exchange::proposal_template(2028).unwrap();
    let err = import(filled(&template_2028, &[row]), 2027).await;
    assert!(matches!(&err, Err(ImportError::Layout { reason }) if reason.contains("2028年度")), "{err:?}");
    let err = import(exchange::proposal_template(2027).unwrap(), 2027).await;
    assert!(matches!(&err, Err(ImportError::Layout { reason }) if reason.contains("没有填写任何项目")), "{err:?}");

    // Only an owner imports, for its own organisation.
    let template = exchange::proposal_template(2027).unwrap();
    let err = exchange::import_proposals(&app, &bureau(), plan_year(2027), &filled(&template, &[row]), today()).await;
    assert!(matches!(&err, Err(ImportError::Forbidden { .. })), "{err:?}");
}

fn plan_year(n: i32) -> govit_rules::Year {
    govit_rules::Year::new(n).unwrap()
}
