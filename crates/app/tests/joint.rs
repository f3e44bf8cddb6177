//! Who hears of what in a shaped plan: the co-builder of a merged proposal is reminded of the co-built project's
//! deadlines with its owner [7]; every department of the joint mechanism hears of a self-evaluation report once
//! [22]. On the demo city (`GOVIT_TEST_DATABASE` picks SQLite or PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::deliver::Delivery;
use govit_app::demo;
use govit_app::{App, CommandRequest, Executed, FixedClock};
use govit_rules::command::Action;
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Actor, Date, JurisdictionId, OrgName, Role, draft};
use govit_store::testing::TestDatabase;
use serde_json::{Value, json};
use std::sync::Arc;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

async fn demo_city(db: &TestDatabase) -> (App, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at(day("2026-11-29")));
    let app = App::new(db.open().await.unwrap(), load(BUILTIN).unwrap(), clock.clone());
    demo::seed(&app, day("2026-11-29")).await.unwrap();
    (app, clock)
}

fn actor(role: Role, organization: &str) -> Actor {
    Actor {
        role,
        organization: OrgName::parse(organization).unwrap(),
        jurisdiction: JurisdictionId::wuhan(),
        person: None,
    }
}

/// Does `action` with `with` as `who` on `on`, through the one builder; it must be done.
async fn done(app: &App, on: &str, who: &Actor, action: Action, with: Value) {
    let Value::Object(with) = with else { panic!("a map") };
    let command = draft::build(action, with, who.role, None).unwrap();
    let request =
        CommandRequest { actor: who.clone(), on: day(on), command, request_id: None, attachments: Vec::new() };
    let outcome = app.execute(request).await.unwrap();
    assert!(matches!(outcome, Executed::Done { .. }), "{} on {on}: {outcome:?}", action.code());
}

async fn inbox(app: &App, username: &str, kind: &str) -> Vec<govit_store::NotificationRow> {
    let id = app.store().user_by_username(username).await.unwrap().unwrap().id;
    app.inbox(id, 10_000).await.unwrap().notifications.into_iter().filter(|n| n.kind == kind).collect()
}

#[tokio::test]
async fn every_department_of_the_joint_mechanism_hears_of_a_self_evaluation_report_once() {
    let db = TestDatabase::new().await.unwrap();
    let (app, _) = demo_city(&db).await;
    let evaluated: Vec<String> = app
        .store()
        .project_states(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.self_evaluation_on.is_some())
        .map(|p| p.id.to_string())
        .collect();
    assert!(!evaluated.is_empty(), "the demo city has self-evaluations");
    app.remind(day("2026-11-29"), &Delivery::default()).await.unwrap();
    for department in ["bureau", "cyberspace", "devreform", "finance", "audit", "secrecy"] {
        let heard = inbox(&app, department, "self_evaluation").await;
        assert_eq!(heard.len(), evaluated.len(), "{department} hears of every report once");
        assert!(heard.iter().all(|n| n.body.contains("第二十二条")), "{department}: {:?}", heard.first());
    }
    for outside in ["minzheng", "government", "jiangan", "changjiang"] {
        assert!(inbox(&app, outside, "self_evaluation").await.is_empty(), "{outside} is not of the joint mechanism");
    }
    app.remind(day("2026-11-30"), &Delivery::default()).await.unwrap();
    assert_eq!(inbox(&app, "audit", "self_evaluation").await.len(), evaluated.len(), "once, however often it runs");
}

#[tokio::test]
async fn the_co_builder_of_a_merged_proposal_is_reminded_of_the_co_built_projects_deadlines() {
    let db = TestDatabase::new().await.unwrap();
    let (app, clock) = demo_city(&db).await;
    let projects = app.store().project_states(None).await.unwrap();
    let lead = projects.iter().find(|p| p.name.as_str() == "城市轨道交通运营监测平台").unwrap();
    assert_eq!(lead.co_builders, [OrgName::parse("市城管执法委").unwrap()], "the demo city merged into it");
    let id = lead.id.to_string();
    let (bureau, government) =
        (actor(Role::Bureau, "市政务服务和大数据管理局"), actor(Role::Government, "武汉市人民政府"));
    let (owner, firm) = (actor(Role::Owner, "市交通运输局"), actor(Role::Consultant, "武汉长江信息工程咨询有限公司"));
    clock.set(day("2027-12-24"));
    done(&app, "2026-12-10", &bureau, Action::ReviewPlan, json!({ "year": 2027 })).await;
    done(&app, "2026-12-26", &government, Action::ApprovePlan, json!({ "year": 2027 })).await;
    let plan = json!({ "project": id, "stage": "implementation_plan", "investment": 16_000_000,
        "documents": ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"],
        "preparer": "consulting_credit", "design_depth_sufficient": true });
    done(&app, "2027-01-05", &owner, Action::SubmitStage, plan).await;
    let commission = json!({ "project": id, "consultant": "武汉长江信息工程咨询有限公司" });
    done(&app, "2027-01-10", &bureau, Action::CommissionReview, commission).await;
    let opinions = json!(["information_sharing", "cryptography"]);
    let evaluation = json!({ "project": id, "opinions": opinions, "recommended_investment": 16_000_000 });
    done(&app, "2027-02-10", &firm, Action::SubmitEvaluation, evaluation).await;
    let approval = json!({ "project": id, "approved_investment": 16_000_000, "opinions": opinions });
    done(&app, "2027-03-01", &bureau, Action::ApproveStage, approval).await;
    let team = json!({ "project": id, "agency": "市交通运输局信息中心", "leader": "胡斌", "supervisor": "武汉华信工程监理有限公司" });
    done(&app, "2027-03-05", &owner, Action::AppointTeam, team).await;
    done(&app, "2027-03-10", &owner, Action::StartConstruction, json!({ "project": id })).await;

    app.remind(day("2027-12-24"), &Delivery::default()).await.unwrap();
    for builder in ["jiaotong", "chengguan"] {
        let reminders = inbox(&app, builder, "reminder").await;
        assert!(
            reminders.iter().any(|n| n.title.contains(&id) && n.title.contains("绩效评价报告")),
            "{builder} is reminded of the 2027 report of {id}: {:?}",
            reminders.iter().map(|n| &n.title).collect::<Vec<_>>()
        );
    }
    assert!(
        !inbox(&app, "minzheng", "reminder").await.iter().any(|n| n.title.contains(&id)),
        "no other unit is reminded of it"
    );
}

#[tokio::test]
async fn a_proposal_adjusted_or_merged_has_its_list_row_follow_the_log() {
    let db = TestDatabase::new().await.unwrap();
    let (app, _) = demo_city(&db).await;
    // The demo city cuts one 2027 proposal to four fifths and merges another into 市交通运输局's.
    let rows = app.store().projects(&govit_store::ProjectFilter::default()).await.unwrap();
    let row = |name: &str| rows.iter().find(|r| r.name == name).unwrap().clone();
    assert_eq!(row("长江水环境质量智能监管平台").investment, 14_400_000, "the adjusted amount");
    assert_eq!(row("城市轨道交通运营监测平台").investment, 16_000_000, "the merged amount");
    assert_eq!(row("轨道交通沿线视频监控系统").status, "merged");
    let report = app.store().verify_projections().await.unwrap();
    assert!(report.first_difference.is_none(), "{:?}", report.first_difference);
}
