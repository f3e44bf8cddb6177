//! The plan shaped over the HTTP API (issue 22): the bureau assigns a task to a unit (held to the unit's record),
//! merges two units' proposals (the co-builder sees the project and cannot act on it; the merged one takes no
//! further action), and the cyberspace office files its review of the approved plan once [7][24].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, add_department, command, login, spawn};
use govit_rules::Role;
use serde_json::{Value, json};

fn registration(name: &str) -> Value {
    json!({ "name": name, "category": "business_application", "construction": "new",
        "funding": "government_investment", "investment": 2_000_000 })
}

fn assign(owner: Value, name: &str) -> Value {
    let mut with = registration(name);
    with["owner"] = owner;
    with["year"] = json!(2026);
    json!({ "do": "assign_project", "with": with })
}

async fn get(s: &Server, c: &reqwest::Client, path: &str) -> (u16, Value) {
    let r = c.get(format!("{}/api/v1{path}", s.base)).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// Registers and proposes a project for 2026 as `c`'s organisation; its number.
async fn proposed(s: &Server, c: &reqwest::Client, name: &str) -> String {
    let (status, body) = command(s, c, json!({ "do": "register_project", "with": registration(name) })).await;
    assert_eq!(status, 200, "{body}");
    let id = body["project"].as_str().unwrap().to_owned();
    let (status, body) =
        command(s, c, json!({ "do": "propose_for_plan", "with": { "project": id, "year": 2026 } })).await;
    assert_eq!(status, 200, "{body}");
    id
}

#[tokio::test]
async fn a_task_the_bureau_assigns_is_registered_for_the_unit_of_the_kind_on_its_record() {
    let s = spawn().await;
    let (bureau, _) = login(&s, "bureau").await;
    let (status, body) = command(&s, &bureau, assign(json!({ "name": "市民政局" }), "社区治理平台")).await;
    assert_eq!(status, 200, "{body}");
    let registered = &body["events"][0]["record"]["event"];
    assert_eq!(registered["owner"], json!({ "name": "市民政局", "kind": "party_government_organ" }));
    let id = body["project"].as_str().unwrap();
    let (minzheng, _) = login(&s, "minzheng").await;
    let (status, project) = get(&s, &minzheng, &format!("/projects/{id}")).await;
    assert_eq!(status, 200, "{project}");
    assert_eq!(project["status"], "proposed");
    assert_eq!(project["project"]["assigned"], true);

    // The unit's kind is the one on record, never the one stated; an unknown unit is named as such.
    let (status, body) =
        command(&s, &bureau, assign(json!({ "name": "市民政局", "kind": "school" }), "校园平台")).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["owner.kind"].as_str().unwrap().contains("市级党政机关"), "{body}");
    let (status, body) = command(&s, &bureau, assign(json!("某不存在的单位"), "某平台")).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["owner.name"].as_str().unwrap().contains("不是本系统登记的单位"), "{body}");
    // An owner assigns nothing, not even to itself.
    let (status, body) = command(&s, &minzheng, assign(json!("市民政局"), "自己下达")).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(s.app.store().decision_count().await.unwrap(), 2, "one registration and its assignment");
}

#[tokio::test]
async fn a_co_builder_sees_the_merged_project_and_only_its_lead_owner_acts_on_it() {
    let s = spawn().await;
    let (minzheng, _) = login(&s, "minzheng").await;
    let (jiaoyu, _) = login(&s, "jiaoyu").await;
    let (bureau, _) = login(&s, "bureau").await;
    let lead = proposed(&s, &minzheng, "政务服务一网通办平台").await;
    let other = proposed(&s, &jiaoyu, "教育网上办事大厅").await;
    let (status, body) = get(&s, &jiaoyu, &format!("/projects/{lead}")).await;
    assert_eq!(status, 404, "before the merge the other unit does not see it: {body}");

    let merge =
        json!({ "do": "merge_proposals", "with": { "project": lead, "merged": [other], "investment": "380万" } });
    // An owner cannot even name another unit's proposal in a merge: it answers as reading it would.
    let (status, body) = command(&s, &minzheng, merge.clone()).await;
    assert_eq!(status, 404, "{body}");
    let own = json!({ "do": "merge_proposals", "with": { "project": lead, "merged": [lead], "investment": "380万" } });
    let (status, body) = command(&s, &minzheng, own).await;
    assert_eq!(status, 403, "an owner does not merge: {body}");
    let (status, body) = command(&s, &bureau, merge).await;
    assert_eq!(status, 200, "{body}");

    let (status, project) = get(&s, &jiaoyu, &format!("/projects/{lead}")).await;
    assert_eq!(status, 200, "the co-builder sees it: {project}");
    assert_eq!(project["project"]["co_builders"], json!(["市教育局"]));
    let appoint =
        json!({ "do": "appoint_team", "with": { "project": lead, "agency": "市教育局信息中心", "leader": "杨帆" } });
    let (status, body) = command(&s, &jiaoyu, appoint).await;
    assert_eq!(status, 403, "only the lead owner acts: {body}");
    let (status, merged) = get(&s, &jiaoyu, &format!("/projects/{other}")).await;
    assert_eq!((status, merged["status"].as_str()), (200, Some("merged")), "{merged}");
    let again = json!({ "do": "propose_for_plan", "with": { "project": other, "year": 2027 } });
    let (status, body) = command(&s, &jiaoyu, again).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["articles"], json!([7]), "{body}");
}

#[tokio::test]
async fn the_cyberspace_office_files_its_review_of_the_approved_plan_once() {
    let s = spawn().await;
    add_department(&s, "市委网信办", "cyberspace", Role::CyberspaceOffice).await;
    let (minzheng, _) = login(&s, "minzheng").await;
    let (bureau, _) = login(&s, "bureau").await;
    let (government, _) = login(&s, "government").await;
    let (cyberspace, _) = login(&s, "cyberspace").await;
    proposed(&s, &minzheng, "社会救助信息系统").await;
    let file = json!({ "do": "file_plan_review", "with": { "year": 2026, "result": "returned", "note": "请补充等级保护安排" } });
    let (status, body) = command(&s, &cyberspace, file.clone()).await;
    assert_eq!((status, body["articles"].clone()), (422, json!([24])), "not yet approved: {body}");
    let (status, body) = command(&s, &bureau, json!({ "do": "review_plan", "with": { "year": 2026 } })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = command(&s, &government, json!({ "do": "approve_plan", "with": { "year": 2026 } })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = command(&s, &bureau, file.clone()).await;
    assert_eq!(status, 403, "the bureau does not file the cyberspace office's review: {body}");
    let (status, body) = command(&s, &cyberspace, file.clone()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = command(&s, &cyberspace, file).await;
    assert_eq!((status, body["articles"].clone()), (422, json!([24])), "once: {body}");
    let (status, plan) = get(&s, &bureau, "/plans/wuhan/2026").await;
    assert_eq!(status, 200, "{plan}");
    let review = &plan["plan"]["filing_review"];
    assert_eq!(review["result"], "returned", "{plan}");
    assert_eq!(review["note"], "请补充等级保护安排");
    assert!(review["by"].as_str().unwrap().contains("市委网信办"), "{plan}");
}
