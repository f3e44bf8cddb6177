//! The authorization matrix of issue 7, played against the real HTTP API of the demo city.
//!
//! One table, `authz_matrix.csv` beside this file, says for every action × role × subject (another or the
//! actor's own organisation's project; a municipal project, a district one, an industry authority's one)
//! whether the powers check lets a well-formed command through (done, or refused by articles) or answers
//! `403 forbidden`, and for every role × subject whether the project is visible (200) or not found (404) on
//! every route about it. The table is the specification, written by hand: nothing here asks the rules crate
//! what the answer should be. Deny by default: the tests walk the full product of every action (`Action::ALL`,
//! `order_rectification` once per area, `register_project` once more in the other jurisdiction) × every role
//! (`Role::ALL`) × the six subjects, and a cell the table does not grant must be refused.
//!
//! Beyond the table: no account sees a project outside its remit on any list, page or export, and every API
//! route and page refuses a request without a session.
//!
//! Two bugs these tests found were fixed: an owner could register a project in another jurisdiction (and so
//! choose its approver; `register_project:elsewhere`), and the plan resource of the API showed every account
//! the whole plan ([`the_plan_api_shows_no_account_a_project_outside_its_remit`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
// Only this file uses them, so only its test binary compiles them.
#[path = "common/authz_city.rs"]
mod city;
#[path = "common/authz_table.rs"]
mod table;

use calamine::{Data, Reader, Xlsx};
use city::{City, Subject, account, firms_of, fixtures, spawn_city};
use govit_app::demo::{DemoUser, demo_users};
use govit_rules::vocab::Authority;
use govit_rules::{Action, Project, Role};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Cursor;
use std::time::Instant;
use table::{ADMINISTRATION, Mark, Place, Row, SLOTS, Table, Tie, VIEW, rows, slot_name};

// ---------------------------------------------------------------------------------------------------------
// Commands

/// A well-formed command for `row`'s action on `s` (a new project for its owner, or its jurisdiction's plan).
fn command_for(row: &Row, s: &Subject) -> Value {
    let (action, p) = (row.action, s.id.as_str());
    // The other side of the city–district line from the subject.
    let elsewhere = if s.jurisdiction == "wuhan" { "jiangan" } else { "wuhan" };
    let firm = s.consultant.clone().unwrap_or_else(|| "武汉长江信息工程咨询有限公司".to_owned());
    let with = match action {
        Action::RegisterProject => json!({
            "name": "授权矩阵测试项目", "owner": { "name": s.owner, "kind": s.owner_kind },
            "category": "business_application", "construction": "new", "funding": "government_investment",
            "investment": 1_200_000, "jurisdiction": if row.elsewhere { elsewhere } else { s.jurisdiction.as_str() },
        }),
        Action::ProposeForPlan => json!({ "project": p, "year": 2027 }),
        Action::ReviewPlan | Action::ApprovePlan | Action::IncludeInInvestmentPlan => {
            json!({ "year": 2027, "jurisdiction": s.jurisdiction })
        }
        Action::FilePlanReview => json!({ "year": 2027, "jurisdiction": s.jurisdiction, "result": "filed" }),
        Action::PublishRanking => json!({ "period": "2025-12", "jurisdiction": s.jurisdiction }),
        // A task for the subject's 建设单位: its kind and jurisdiction come from its record.
        Action::AssignProject => json!({
            "name": "授权矩阵测试任务", "owner": { "name": s.owner },
            "category": "business_application", "construction": "new", "funding": "government_investment",
            "investment": 1_200_000, "year": 2027,
        }),
        Action::AdjustProposal => json!({ "project": p, "investment": 1_200_000, "reason": "论证后调整" }),
        // Merged into itself: refused by [7] wherever the powers check lets it through.
        Action::MergeProposals => json!({ "project": p, "merged": [p], "investment": 1_200_000 }),
        Action::RequestSupplementaryInclusion => json!({ "project": p, "year": 2026, "reason": "urgent" }),
        Action::ApproveSupplementaryInclusion => json!({ "project": p, "year": 2026 }),
        Action::SubmitStage => json!({
            "project": p, "stage": "implementation_plan", "investment": 1_200_000,
            "documents": ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"],
            "preparer": "consulting_credit", "design_depth_sufficient": true,
        }),
        // The firm already commissioned, so that a commission that goes through changes no one's powers.
        Action::CommissionReview => json!({ "project": p, "consultant": firm }),
        Action::SubmitEvaluation => json!({
            "project": p, "opinions": ["information_sharing", "cryptography"], "recommended_investment": 1_200_000,
        }),
        Action::ApproveStage => json!({
            "project": p, "approved_investment": 1_200_000, "opinions": ["information_sharing", "cryptography"],
        }),
        Action::ReturnStage => json!({ "project": p, "reason": "材料不全,请补充后重新报送" }),
        Action::ReleaseFunds => json!({ "project": p, "purpose": "preliminary_work", "amount": 1_000 }),
        Action::AppointTeam => json!({ "project": p, "agency": "市信息中心", "leader": "张三" }),
        Action::SignContract => {
            json!({ "project": p, "contract": "授权矩阵测试合同", "amount": 1_000, "procurement": "inquiry" })
        }
        Action::RequestAdjustment => json!({ "project": p, "amount": 1_000, "reason": "technical_optimization" }),
        Action::SubmitAnnualReport => {
            json!({ "project": p, "year": 2025, "opinions_from": ["user_units", "supervisor"] })
        }
        Action::RecordAssessment => json!({ "project": p, "kind": "security_risk_assessment" }),
        Action::Accept => json!({
            "project": p,
            "reviewed": ["secure_reliable_products", "security_and_cryptography_review", "utilization_efficiency"],
        }),
        Action::CommissionPostEvaluation => json!({ "project": p, "consultant": "武汉长江信息工程咨询有限公司" }),
        Action::OrderRectification => json!({
            "project": p, "area": row.area.expect("an area").code(), "finding": "授权矩阵测试发现的问题", "due": "2026-12-31",
        }),
        // Public criticism: a measure that, if it goes through, leaves the project open to every other cell.
        Action::ImposeMeasure => json!({ "project": p, "measure": "public_criticism" }),
        Action::VerifyRectification => json!({ "project": p, "result": "passed" }),
        Action::ApproveAdjustment => json!({ "project": p, "approved_investment": 1_200_000 }),
        Action::RejectAdjustment => json!({ "project": p, "reason": "超出原批复建设目标" }),
        Action::ReturnSurplus => json!({ "project": p, "amount": 1_000 }),
        Action::ReportRating => json!({ "project": p, "level": "green", "note": "按计划推进" }),
        Action::DisputeCard => json!({ "project": p, "deadline": "acceptance", "reason": "已按期报送" }),
        Action::ResolveCardDispute => json!({ "project": p, "deadline": "acceptance", "outcome": "upheld" }),
        Action::FileRecord
        | Action::GovernmentApprove
        | Action::IssueTechnicalOpinion
        | Action::StartConstruction
        | Action::CompleteConstruction
        | Action::ConfirmReadyForAcceptance
        | Action::FileAcceptance
        | Action::RegisterAssets
        | Action::StartOperation
        | Action::SubmitSelfEvaluation
        | Action::ReportRectified
        | Action::LiftSuspension
        | Action::IssueCards => json!({ "project": p }),
    };
    json!({ "do": action.code(), "with": with })
}

struct Case {
    row: Row,
    role: Role,
    slot: (Place, Tie),
    allowed: bool,
}

#[test]
fn the_matrix_marks_every_cell_of_every_action_and_role() {
    let table = Table::parse();
    let (mut allowed, mut forbidden, mut visibility) = (0, 0, 0);
    for role in Role::ALL {
        for row in rows() {
            for mark in table.marks(&row.key, *role) {
                match mark {
                    Mark::Yes => allowed += 1,
                    Mark::No => forbidden += 1,
                }
            }
        }
        visibility += table.marks(VIEW, *role).len();
        for row in ADMINISTRATION {
            let marks = table.marks(row, *role);
            assert!(marks.iter().all(|m| *m == marks[0]), "{row} × {}: the subject plays no part", role.code());
            if marks[0] == Mark::Yes {
                assert!(role.administers(), "{row}: only an administrator administers, not {}", role.code());
            }
        }
    }
    let cases = allowed + forbidden + visibility;
    assert_eq!(cases, Role::ALL.len() * (rows().len() + 1) * SLOTS.len());
    for row in ADMINISTRATION {
        let by: Vec<Role> = Role::ALL.iter().copied().filter(|r| table.marks(row, *r)[0] == Mark::Yes).collect();
        assert_eq!(by.len(), 1, "{row} belongs to exactly one administrator: {by:?}");
    }
    // Spot checks that the file says what the regulation says, so that a slip in editing the table shows.
    assert_eq!(table.marks("approve_stage", Role::Bureau)[2], Mark::No, "[29] a district approves its own");
    assert_eq!(table.marks("approve_stage", Role::DistrictAuthority)[2], Mark::Yes);
    for admin in Role::ALL.iter().filter(|r| r.administers()) {
        for row in rows() {
            assert!(table.marks(&row.key, *admin).iter().all(|m| *m == Mark::No), "{admin:?} may not {}", row.key);
        }
        assert!(table.marks(VIEW, *admin).iter().all(|m| *m == Mark::No), "{admin:?} sees no project");
    }
    for row in rows() {
        let owner = table.marks(&row.key, Role::Owner);
        assert_eq!(owner[1], Mark::No, "an owner never acts on another's project: {}", row.key);
    }
    println!("authz matrix: {cases} cases ({allowed} allowed, {forbidden} forbidden, {visibility} visibility)");
}

#[tokio::test]
async fn every_role_takes_exactly_the_actions_the_matrix_allows_and_is_forbidden_every_other() {
    let table = Table::parse();
    let city = spawn_city().await;
    let fixtures = fixtures(&city).await;
    let mut cases = Vec::new();
    for row in rows() {
        for role in Role::ALL {
            for (slot, mark) in SLOTS.iter().zip(table.marks(&row.key, *role)) {
                cases.push(Case { row: row.clone(), role: *role, slot: *slot, allowed: mark == Mark::Yes });
            }
        }
    }
    // What a command may change of the powers is only the firm commissioned on a project's stage (owner,
    // jurisdiction and approving authority are fixed at registration). So: every refusal first, while the
    // city is as seeded (a correct refusal changes nothing); then the firms' submissions; then the rest.
    cases.sort_by_key(|c| (c.allowed, c.row.action != Action::SubmitEvaluation));
    // Acting on a project one may not see answers as reading it does: 404, not 403 (issue 17).
    let visible: HashSet<(Role, (Place, Tie))> = Role::ALL
        .iter()
        .flat_map(|role| SLOTS.iter().zip(table.marks(VIEW, *role)).map(move |(slot, mark)| (*role, *slot, mark)))
        .filter(|(_, _, mark)| *mark == Mark::Yes)
        .map(|(role, slot, _)| (role, slot))
        .collect();
    let started = Instant::now();
    let (mut done, mut refused, mut failures) = (0, 0, Vec::new());
    for case in &cases {
        let (place, tie) = case.slot;
        let subject = fixtures.subject(place);
        let user = account(case.role, subject, tie);
        let body = command_for(&case.row, subject);
        let (status, answer) = city.command(user, &body).await;
        let code = answer["code"].as_str().unwrap_or("");
        let on_a_project = body["with"]["project"].is_string();
        let hidden = on_a_project && !visible.contains(&(case.role, case.slot));
        let ok = if case.allowed && hidden {
            // A power the role holds, on a project this account may not see (a firm not commissioned on it):
            // the project does not exist for it.
            status == 404 && code == "not_found"
        } else if case.allowed {
            match status {
                200 if answer["outcome"] == "done" => {
                    done += 1;
                    true
                }
                422 if code == "refused" && answer["articles"].as_array().is_some_and(|a| !a.is_empty()) => {
                    refused += 1;
                    true
                }
                _ => false,
            }
        } else {
            // An owner's registration is held to its organisation's record before any power is looked at
            // [2][9][29]: another owner or jurisdiction is invalid input, 422 with the field named.
            let held = case.row.action == Action::RegisterProject && case.role == Role::Owner;
            let field = answer["field"].as_str().unwrap_or("");
            (hidden
                && status == 404
                && code == "not_found"
                && ![&subject.name, &subject.owner].iter().any(|n| answer.to_string().contains(n.as_str())))
                || (!hidden && status == 403 && code == "forbidden")
                || (held
                    && status == 422
                    && code == "invalid"
                    && ["owner.name", "owner.kind", "jurisdiction"].contains(&field))
        };
        if !ok {
            failures.push(format!(
                "{} as {} ({user}) on {} [{}]: the matrix says {}, the API answered {status} {answer}\n    request: {body}",
                case.row.key,
                case.role.code(),
                slot_name(case.slot),
                subject.id,
                if case.allowed { "allowed (200 done or 422 refused)" } else { "forbidden (403, or 404 where not visible)" },
            ));
        }
    }
    let allowed = cases.iter().filter(|c| c.allowed).count();
    println!(
        "authz commands: {} cases ({allowed} allowed: {done} done, {refused} refused by articles; {} forbidden) in {:?}",
        cases.len(),
        cases.len() - allowed,
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cells disagree with the matrix:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------------------
// Administration (三员分立)

/// The session's form token, read from a page every logged-in account may open.
async fn form_token(city: &City, username: &str) -> String {
    let html = city.get(username, "/account/password").await.text().await.unwrap();
    let at = html.find("name=\"_csrf\" value=\"").expect("a form token on the page") + 20;
    html[at..at + 64].to_owned()
}

#[tokio::test]
async fn each_act_of_administration_is_open_to_exactly_the_administrator_the_matrix_names() {
    let table = Table::parse();
    let city = spawn_city().await;
    let fixtures = fixtures(&city).await;
    let subject = fixtures.subject(Place::City);
    let target = city.app.store().user_by_username("minzheng").await.unwrap().unwrap().id;
    let roles_before = city.app.store().user(target).await.unwrap().unwrap().roles;
    let users_before = city.app.store().users().await.unwrap().len();
    let mut failures = Vec::new();
    for role in Role::ALL {
        let user = account(*role, subject, Tie::Own);
        let c = city.client(user).await;
        let csrf = form_token(&city, user).await;
        for row in ADMINISTRATION {
            let allowed = table.marks(row, *role)[0] == Mark::Yes;
            let form = [("_csrf", csrf.as_str())];
            let r = match row {
                "administer:manage_organizations" => c.get(format!("{}/admin/organizations", city.base)).send(),
                "administer:manage_accounts" => c.post(format!("{}/admin/users", city.base)).form(&form).send(),
                "administer:grant_roles" => {
                    c.post(format!("{}/admin/users/{target}/roles", city.base)).form(&form).send()
                }
                _ => c.get(format!("{}/admin/audit", city.base)).send(),
            };
            let status = r.await.unwrap().status().as_u16();
            let ok = if allowed { [200, 422].contains(&status) } else { status == 403 };
            if !ok {
                failures.push(format!(
                    "{row} as {} ({user}): the matrix says {allowed}, the page answered {status}",
                    role.code()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(city.app.store().user(target).await.unwrap().unwrap().roles, roles_before, "no role changed");
    assert_eq!(city.app.store().users().await.unwrap().len(), users_before, "no account opened");
}

// ---------------------------------------------------------------------------------------------------------
// Visibility

const NOTE: &[u8] = b"authz matrix: a document attached to the project by its owner\n";

/// The subject's owner uploads a document and attaches it to an action on the project; returns its digest.
async fn attach_document(city: &City, s: &Subject) -> String {
    let c = city.client(s.owners[0]).await;
    let note = [NOTE, s.id.as_bytes()].concat();
    let r = c
        .post(format!("{}/api/v1/documents", city.base))
        .header("content-type", "text/plain")
        .header("x-filename", "authz-note.txt")
        .body(note)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let digest = r.json::<Value>().await.unwrap()["digest"].as_str().unwrap().to_owned();
    let appoint = Row { key: String::new(), action: Action::AppointTeam, area: None, elsewhere: false };
    let mut body = command_for(&appoint, s);
    body["attachments"] = json!([digest]);
    let (status, answer) = city.command(s.owners[0], &body).await;
    assert_eq!(status, 200, "the owner attaches a document to {}: {answer}", s.id);
    digest
}

/// The sheet of an `.xlsx` workbook as strings.
fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    book.worksheet_range(&name).unwrap().rows().map(|r| r.iter().map(Data::to_string).collect()).collect()
}

/// The project rows of an exported workbook as (项目编号, 建设单位); 小计 and 合计 rows carry no number.
fn export_rows(bytes: &[u8]) -> Vec<(String, String)> {
    sheet(bytes)
        .into_iter()
        .skip(3)
        .filter(|r| r.get(1).is_some_and(|id| id.contains('-')))
        .map(|r| (r[1].clone(), r[3].clone()))
        .collect()
}

#[tokio::test]
async fn every_role_sees_exactly_the_projects_the_matrix_shows_on_every_route() {
    let table = Table::parse();
    let city = spawn_city().await;
    let fixtures = fixtures(&city).await;
    let mut documents = HashMap::new();
    for place in [Place::City, Place::District, Place::Industry] {
        let s = fixtures.subject(place);
        documents.insert(s.id.clone(), attach_document(&city, s).await);
    }
    let started = Instant::now();
    let (mut cases, mut requests, mut failures) = (0, 0, Vec::new());
    for role in Role::ALL {
        for (slot, mark) in SLOTS.iter().zip(table.marks(VIEW, *role)) {
            cases += 1;
            let (place, tie) = *slot;
            let s = fixtures.subject(place);
            let id = s.id.as_str();
            let user = account(*role, s, tie);
            let visible = mark == Mark::Yes;
            let mut fail = |what: &str, got: String| {
                failures.push(format!(
                    "{} ({user}) on {} [{id}]: the matrix says {}, but {what}: {got}",
                    role.code(),
                    slot_name(*slot),
                    if visible { "visible" } else { "not visible" }
                ));
            };
            let digest = &documents[id];
            let mut routes = vec![
                format!("/api/v1/projects/{id}"),
                format!("/api/v1/projects/{id}/timeline"),
                format!("/api/v1/projects/{id}/documents"),
                format!("/api/v1/documents/{digest}"),
                format!("/projects/{id}"),
                format!("/documents/{digest}"),
            ];
            if let Some(seq) = s.paper {
                routes.push(format!("/api/v1/projects/{id}/papers/{seq}"));
                routes.push(format!("/projects/{id}/paper/{seq}"));
            }
            for route in &routes {
                requests += 1;
                let r = city.get(user, route).await;
                let status = r.status().as_u16();
                let text = String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned();
                match (visible, status) {
                    (true, 200) | (false, 404) => {}
                    _ => fail(&format!("GET {route} answered {status}"), text.chars().take(300).collect()),
                }
                if !visible && text.contains(&s.name) {
                    fail(&format!("GET {route} names the project"), s.name.clone());
                }
            }
            // The action form: found (and then allowed or not) only if visible.
            requests += 1;
            let status = city.get(user, &format!("/projects/{id}/act/appoint_team")).await.status().as_u16();
            if visible == (status == 404) {
                fail(&format!("GET /projects/{id}/act/appoint_team answered {status}"), String::new());
            }
            // The lists and the exports, filtered to this project.
            requests += 4;
            let listed: Value = city.get(user, &format!("/api/v1/projects?q={id}")).await.json().await.unwrap();
            let in_list = listed["rows"].as_array().unwrap().iter().any(|r| r["id"] == id);
            if in_list != visible {
                fail("GET /api/v1/projects?q=… lists it", in_list.to_string());
            }
            let page = city.get(user, &format!("/projects?q={id}")).await.text().await.unwrap();
            let on_page = page.contains(&format!("href=\"/projects/{id}\""));
            if on_page != visible {
                fail("GET /projects?q=… links it", on_page.to_string());
            }
            for export in ["/api/v1/exports/projects.xlsx", "/projects/export.xlsx"] {
                let r = city.get(user, &format!("{export}?q={id}")).await;
                assert_eq!(r.status(), 200, "{export} as {user}");
                let rows = export_rows(&r.bytes().await.unwrap());
                let exported = rows.iter().any(|(row, _)| row == id);
                if exported != visible {
                    fail(&format!("GET {export}?q=… exports it"), format!("{rows:?}"));
                }
            }
        }
    }
    println!("authz visibility: {cases} cases, {requests} requests in {:?}", started.elapsed());
    assert!(failures.is_empty(), "{} disagreements with the matrix:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------
// Every list, page and export

/// Which projects an account may see, as the roles and [24][29] divide the work, written out here rather
/// than asked of the code: an owner its own organisation's and those it builds together with their owner (the
/// co-builders of a merged proposal [7]); the city's departments the city's and its
/// districts'; a district authority its district's; an industry authority those it approves (any industry
/// authority, where none is named); a firm those it evaluates or post-evaluates; the administrator none.
fn in_remit(user: &DemoUser, jurisdiction: &str, p: &Project) -> bool {
    assert_eq!(user.roles.len(), 1, "every demo account acts in one role: {}", user.username);
    match user.roles[0] {
        Role::Owner => {
            p.owner.name.as_str() == user.organization || p.co_builders.iter().any(|c| c.as_str() == user.organization)
        }
        Role::Bureau
        | Role::Government
        | Role::CyberspaceOffice
        | Role::DevelopmentReform
        | Role::Finance
        | Role::Audit
        | Role::SecrecyBureau => {
            assert_eq!(jurisdiction, "wuhan", "{} is a city department", user.username);
            true
        }
        Role::DistrictAuthority => p.jurisdiction.as_str() == jurisdiction,
        Role::IndustryAuthority => {
            p.approver == Authority::IndustryAuthority
                && p.industry_authority.as_ref().is_none_or(|o| o.as_str() == user.organization)
        }
        Role::Consultant => firms_of(p).contains(user.organization),
        Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => false,
    }
}

/// The numbers of the projects in `user`'s remit ([`in_remit`]), in the jurisdiction its organisation has.
async fn remit_of(city: &City, projects: &[Project], user: &DemoUser) -> BTreeSet<String> {
    let me: Value = city.get(user.username, "/api/v1/me").await.json().await.unwrap();
    let jurisdiction = me["jurisdiction"].as_str().unwrap();
    projects.iter().filter(|p| in_remit(user, jurisdiction, p)).map(|p| p.id.to_string()).collect()
}

/// At most a few of `items`, and how many there are, for a readable failure.
fn some<T: std::fmt::Debug>(items: &[T]) -> String {
    match items.len() {
        0..=5 => format!("{items:?}"),
        n => format!("{n}, such as {:?}", &items[..5]),
    }
}

/// The project numbers in a text (`wuhan-2025-0006`): every jurisdiction's prefix, a year and four digits.
fn project_numbers(text: &str, prefixes: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for prefix in prefixes {
        for (at, _) in text.match_indices(prefix.as_str()) {
            let candidate: String = text[at..].chars().take(prefix.chars().count() + 9).collect();
            let tail = &candidate[prefix.len()..];
            let shaped =
                tail.len() == 9 && tail.char_indices().all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() });
            if shaped {
                found.insert(candidate);
            }
        }
    }
    found
}

#[tokio::test]
async fn no_account_sees_a_project_outside_its_remit_on_any_list_page_or_export() {
    let city = spawn_city().await;
    let projects = city.app.store().project_states(None).await.unwrap();
    let prefixes: BTreeSet<String> = projects.iter().map(|p| format!("{}-", p.jurisdiction)).collect();
    let started = Instant::now();
    let (mut requests, mut failures) = (0, Vec::new());
    for user in demo_users() {
        let remit = remit_of(&city, &projects, user).await;
        // The names of the projects out of remit that no page may show (a name that is part of a visible
        // project's name proves nothing).
        let hidden_names: Vec<(&str, &str)> = projects
            .iter()
            .filter(|p| !remit.contains(p.id.as_str()))
            .map(|p| (p.id.as_str(), p.name.as_str()))
            .filter(|(_, name)| {
                !projects.iter().any(|v| remit.contains(v.id.as_str()) && v.name.as_str().contains(name))
            })
            .collect();
        let mut fail = |what: String| failures.push(format!("{} ({}): {what}", user.username, user.roles[0].code()));

        // The list, every page of it.
        requests += 1;
        let listed: Value = city.get(user.username, "/api/v1/projects?per_page=500").await.json().await.unwrap();
        assert_eq!(listed["pages"], 1, "one page of 500 holds the demo city");
        let listed: BTreeSet<String> =
            listed["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
        if listed != remit {
            fail(format!(
                "GET /api/v1/projects lists {:?} beyond its remit and misses {:?}",
                listed.difference(&remit).collect::<Vec<_>>(),
                remit.difference(&listed).collect::<Vec<_>>()
            ));
        }

        // The exports: the project list whole, and every plan it could ask for.
        let mut exports = vec!["/api/v1/exports/projects.xlsx".to_owned(), "/projects/export.xlsx".to_owned()];
        for j in ["wuhan", "jiangan", "wuchang"] {
            for year in [2025, 2026, 2027] {
                exports.push(format!("/api/v1/exports/plan.xlsx?jurisdiction={j}&year={year}"));
                exports.push(format!("/plans/export.xlsx?jurisdiction={j}&year={year}"));
            }
        }
        for export in &exports {
            requests += 1;
            let r = city.get(user.username, export).await;
            assert_eq!(r.status(), 200, "{export} as {}", user.username);
            let rows = export_rows(&r.bytes().await.unwrap());
            let beyond: Vec<&(String, String)> = rows.iter().filter(|(id, _)| !remit.contains(id)).collect();
            if !beyond.is_empty() {
                fail(format!("{export} holds rows beyond its remit: {}", some(&beyond)));
            }
            // An owner's rows are its own, or those of a project it builds together with their owner.
            let co_built = |id: &String| projects.iter().any(|p| p.id.as_str() == id && !p.co_builders.is_empty());
            if user.roles[0] == Role::Owner
                && rows.iter().any(|(id, owner)| owner != user.organization && !co_built(id))
            {
                fail(format!("{export} holds another organisation's row: {rows:?}"));
            }
            if export.contains("projects") {
                let exported: BTreeSet<String> = rows.into_iter().map(|(id, _)| id).collect();
                if exported != listed {
                    fail(format!("{export} and the list differ: {:?}", exported.symmetric_difference(&listed)));
                }
            }
        }

        // Every page and API resource that gathers projects.
        let pages = [
            "/",
            "/projects?per_page=500",
            "/plans",
            "/plans?jurisdiction=wuhan&year=2027",
            "/plans?jurisdiction=jiangan&year=2026",
            "/supervision",
            "/alerts",
            "/dashboard",
            "/rankings",
            "/api/v1/workbench",
            "/api/v1/dashboard",
            "/api/v1/rankings",
        ];
        for page in pages {
            requests += 1;
            let r = city.get(user.username, page).await;
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            if status == 403 {
                continue; // a page outside the role's work shows nothing at all
            }
            assert_eq!(status, 200, "{page} as {}: {text}", user.username);
            let beyond: Vec<String> = project_numbers(&text, &prefixes).difference(&remit).cloned().collect();
            if !beyond.is_empty() {
                fail(format!("{page} shows projects beyond its remit: {}", some(&beyond)));
            }
            let named: Vec<&(&str, &str)> = hidden_names.iter().filter(|(_, name)| text.contains(name)).collect();
            if !named.is_empty() {
                fail(format!("{page} names projects beyond its remit: {}", some(&named)));
            }
        }
    }
    println!(
        "authz lists, pages and exports: {} accounts, {requests} requests in {:?}",
        demo_users().len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{} leaks:\n{}", failures.len(), failures.join("\n"));
}

/// `GET /api/v1/plans/{jurisdiction}/{year}` shows an account only the included, excluded and proposed projects
/// it may see, as the plan page and the plan export do (it once listed the whole plan to everyone).
#[tokio::test]
async fn the_plan_api_shows_no_account_a_project_outside_its_remit() {
    let city = spawn_city().await;
    let projects = city.app.store().project_states(None).await.unwrap();
    let prefixes: BTreeSet<String> = projects.iter().map(|p| format!("{}-", p.jurisdiction)).collect();
    let mut leaks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut requests = 0;
    for user in demo_users() {
        let remit = remit_of(&city, &projects, user).await;
        for j in ["wuhan", "jiangan", "wuchang"] {
            for year in [2025, 2026, 2027] {
                let route = format!("/api/v1/plans/{j}/{year}");
                requests += 1;
                let r = city.get(user.username, &route).await;
                assert_eq!(r.status(), 200, "{route} as {}", user.username);
                let text = r.text().await.unwrap();
                let beyond: Vec<String> = project_numbers(&text, &prefixes).difference(&remit).cloned().collect();
                if !beyond.is_empty() {
                    leaks.entry(route).or_default().push(format!("{} ({})", user.username, some(&beyond)));
                }
            }
        }
    }
    println!("authz plan API: {} accounts, {requests} requests", demo_users().len());
    let report: Vec<String> = leaks
        .iter()
        .map(|(route, who)| {
            format!("GET {route} shows {} accounts projects beyond their remit: {}", who.len(), who.join("; "))
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------
// Without a session

/// The routes of the API router (crates/web/src/api/mod.rs), so that one the OpenAPI document forgets is noticed.
const API_ROUTES: &[&str] = &[
    "/api/v1/session",
    "/api/v1/me",
    "/api/v1/me/password",
    "/api/v1/commands",
    "/api/v1/workbench",
    "/api/v1/dashboard",
    "/api/v1/rankings",
    "/api/v1/open-data",
    "/api/v1/projects",
    "/api/v1/projects/{id}",
    "/api/v1/projects/{id}/timeline",
    "/api/v1/projects/{id}/documents",
    "/api/v1/documents",
    "/api/v1/documents/{digest}",
    "/api/v1/plans/{jurisdiction}/{year}",
    "/api/v1/exports/plan.xlsx",
    "/api/v1/exports/projects.xlsx",
    "/api/v1/exports/proposal-template.xlsx",
    "/api/v1/projects/{id}/papers/{seq}",
    "/api/v1/imports/proposals",
    "/api/v1/policies",
    "/api/v1/regulation",
];

/// What the API serves to anyone, on purpose: logging in, the published projects (政务公开), the regulation.
const PUBLIC_API: &[(&str, &str)] =
    &[("post", "/api/v1/session"), ("get", "/api/v1/open-data"), ("get", "/api/v1/regulation")];

/// The API's own documentation, public on purpose.
const API_DOCS: &[&str] = &["/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/swagger-init.js"];

/// The page routes (crates/web/src/pages/mod.rs) that need a session.
const PAGES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/account/password"),
    ("post", "/account/password"),
    ("get", "/account/second-factor"),
    ("post", "/account/second-factor"),
    ("post", "/logout"),
    ("post", "/session/role"),
    ("get", "/projects"),
    ("get", "/projects/export.xlsx"),
    ("get", "/plans/export.xlsx"),
    ("get", "/plans/template.xlsx"),
    ("get", "/projects/new"),
    ("post", "/projects/new"),
    ("get", "/projects/{id}"),
    ("get", "/projects/{id}/paper/{seq}"),
    ("get", "/documents/{digest}"),
    ("post", "/documents"),
    ("get", "/projects/{id}/act/{action}"),
    ("post", "/projects/{id}/act/{action}"),
    ("get", "/plans"),
    ("get", "/plans/import"),
    ("post", "/plans/import"),
    ("post", "/plans/act/{action}"),
    ("get", "/supervision"),
    ("get", "/alerts"),
    ("get", "/rankings"),
    ("get", "/rankings/export.xlsx"),
    ("post", "/rankings/publish"),
    ("get", "/dashboard"),
    ("get", "/admin/users"),
    ("post", "/admin/users"),
    ("post", "/admin/users/{id}"),
    ("get", "/admin/organizations"),
    ("post", "/admin/organizations"),
];

/// The pages anyone may open: the login form and the published projects (政务公开).
const PUBLIC_PAGES: &[&str] = &[
    "/login",
    "/public",
    "/public?page=1&q=%E5%B9%B3%E5%8F%B0",
    "/public/statistics",
    "/public/data",
    "/public/dictionary",
    "/public/catalog.json",
    "/public/projects.csv",
    "/public/projects.json",
    "/public/projects.csv.sig",
    "/public/audit-key.pem",
    "/public/verify-open-data.sh",
];

#[tokio::test]
async fn every_api_route_and_page_turns_away_a_request_without_a_session() {
    let city = spawn_city().await;
    let fixtures = fixtures(&city).await;
    let id = fixtures.city.id.as_str();
    let seq = fixtures.city.paper.unwrap().to_string();
    let fill = |path: &str| {
        path.replace("{id}", id)
            .replace("{seq}", &seq)
            .replace("{digest}", &"0".repeat(64))
            .replace("{jurisdiction}", "wuhan")
            .replace("{year}", "2026")
            .replace("{action}", "appoint_team")
    };
    let anonymous = common::client();
    let spec: Value =
        anonymous.get(format!("{}/api/v1/openapi.json", city.base)).send().await.unwrap().json().await.unwrap();
    let paths = spec["paths"].as_object().unwrap();
    for route in API_ROUTES {
        assert!(paths.contains_key(*route), "the OpenAPI document describes {route}");
    }
    let (mut checked, mut failures) = (0, Vec::new());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let public = op.get("security").is_some_and(|s| s.as_array().is_some_and(Vec::is_empty));
            assert_eq!(
                public,
                PUBLIC_API.contains(&(method.as_str(), path.as_str())),
                "{method} {path}: the OpenAPI document and this test agree on whether it is public"
            );
            if public {
                continue;
            }
            let url = format!("{}{}", city.base, fill(path));
            let request = match method.as_str() {
                "get" => anonymous.get(&url),
                "post" => anonymous.post(&url).json(&json!({})),
                "delete" => anonymous.delete(&url),
                other => panic!("{other} {path}: a method this test does not know"),
            };
            let r = request.send().await.unwrap();
            checked += 1;
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            // Logging out without a session has nothing to end: it answers as a logout does, changing nothing.
            let expected = if (method.as_str(), path.as_str()) == ("delete", "/api/v1/session") { 204 } else { 401 };
            if status != expected || (expected == 401 && body["code"] != "unauthenticated") {
                failures.push(format!("{method} {path} without a session: {status} {body}"));
            }
        }
    }
    for doc in API_DOCS {
        let r = anonymous.get(format!("{}{doc}", city.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{doc} is public");
    }
    for (method, path) in PAGES {
        let url = format!("{}{}", city.base, fill(path));
        let request = match *method {
            "get" => anonymous.get(&url),
            _ => anonymous.post(&url).form(&[("_csrf", "0")]),
        };
        let r = request.send().await.unwrap();
        checked += 1;
        let status = r.status().as_u16();
        let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        if status != 303 || location != "/login" {
            failures.push(format!("{method} {path} without a session: {status} → {location:?}"));
        }
    }
    for page in PUBLIC_PAGES {
        let r = anonymous.get(format!("{}{page}", city.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{page} is public");
    }
    println!("authz without a session: {checked} routes turned away");
    assert!(
        failures.is_empty(),
        "{} routes let a request without a session in:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
