//! One rules decision against one Cedar authorisation of a request of comparable size: `cargo bench -p
//! govit-rules --bench decision`. Prints medians and the ratio; asserts nothing (docs/benchmarks.md).
//!
//! govit's side is a whole decision: [`decide`] on a registration (powers [24][29], the routing by amount [8],
//! the checks of [3][12], the event built). Cedar's side is authorisation only: `is_authorized` over a policy
//! set of govit's powers table for the same principal, action and project, with the entities it needs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

use cedar_policy::{Authorizer, Context as CedarContext, Entities, EntityUid, PolicySet as CedarPolicies, Request};
use govit_rules::{Actor, Command, Context, Date, JurisdictionId, OrgName, ProjectId, Role, World, decide, policy};
use std::hint::black_box;
use std::str::FromStr;
use std::time::Instant;

const POLICIES: &str = r#"
permit(principal in Role::"owner", action == Action::"register_project", resource)
  when { principal.organization == resource.owner && principal.jurisdiction == resource.jurisdiction };
permit(principal in Role::"owner", action in [Action::"submit_stage", Action::"file_record", Action::"start_construction",
  Action::"submit_annual_report", Action::"complete_construction", Action::"accept"], resource)
  when { principal.organization == resource.owner };
permit(principal in Role::"bureau", action in [Action::"commission_review", Action::"approve_stage", Action::"return_stage"], resource)
  when { resource.approver == "bureau" && principal.jurisdiction == resource.jurisdiction };
permit(principal in Role::"district_authority", action in [Action::"commission_review", Action::"approve_stage"], resource)
  when { resource.approver == "district_authority" && principal.jurisdiction == resource.jurisdiction };
permit(principal in Role::"industry_authority", action in [Action::"commission_review", Action::"approve_stage"], resource)
  when { resource.approver == "industry_authority" && resource.industry_authority == principal.organization };
permit(principal in Role::"government", action == Action::"government_approve", resource)
  when { resource.investment >= 30000000 };
permit(principal in Role::"finance", action == Action::"release_funds", resource)
  when { principal.jurisdiction == resource.jurisdiction };
permit(principal in Role::"consultant", action == Action::"submit_evaluation", resource)
  when { resource has consultant && resource.consultant == principal.organization };
forbid(principal, action, resource) when { resource.status == "terminated" };
forbid(principal, action == Action::"register_project", resource) when { resource.investment <= 0 };
"#;

const ENTITIES: &str = r#"[
  {"uid": {"type": "Role", "id": "owner"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Role", "id": "bureau"}, "attrs": {}, "parents": []},
  {"uid": {"type": "User", "id": "minzheng"}, "attrs": {"organization": "市民政局", "jurisdiction": "wuhan"},
   "parents": [{"type": "Role", "id": "owner"}]},
  {"uid": {"type": "Project", "id": "wuhan-2026-0001"}, "attrs": {"owner": "市民政局", "jurisdiction": "wuhan",
   "approver": "bureau", "industry_authority": "", "investment": 1200000, "status": "registered"}, "parents": []}
]"#;

fn main() {
    let rounds = 200_000;

    // govit: a registration decided by the rules.
    let policies = policy::load(policy::BUILTIN).unwrap();
    let actor = Actor {
        role: Role::Owner,
        organization: OrgName::parse("市民政局").unwrap(),
        jurisdiction: JurisdictionId::parse("wuhan").unwrap(),
        person: None,
    };
    let command: Command = serde_json::from_value(serde_json::json!({"do": "register_project", "with": {
        "name": "养老服务信息系统升级", "owner": {"name": "市民政局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "upgrade", "funding": "government_investment",
        "investment": 1_200_000, "jurisdiction": "wuhan"}}))
    .unwrap();
    let id = ProjectId::parse("wuhan-2026-0001").unwrap();
    let on = Date::from_ymd_opt(2026, 3, 2).unwrap();
    let ctx = Context { on, actor: &actor, policies: &policies };
    assert!(decide(&ctx, World::NewProject(&id), &command).is_ok(), "the registration is accepted");
    let ours = median_ns(rounds, || {
        black_box(decide(black_box(&ctx), World::NewProject(black_box(&id)), black_box(&command)).is_ok());
    });

    // Cedar: the same principal, action and project, authorised.
    let cedar_policies = CedarPolicies::from_str(POLICIES).unwrap();
    let entities = Entities::from_json_str(ENTITIES, None).unwrap();
    let request = Request::new(
        EntityUid::from_str(r#"User::"minzheng""#).unwrap(),
        EntityUid::from_str(r#"Action::"register_project""#).unwrap(),
        EntityUid::from_str(r#"Project::"wuhan-2026-0001""#).unwrap(),
        CedarContext::empty(),
        None,
    )
    .unwrap();
    let authorizer = Authorizer::new();
    let answer = authorizer.is_authorized(&request, &cedar_policies, &entities);
    assert_eq!(answer.decision(), cedar_policy::Decision::Allow, "Cedar allows it too");
    let theirs = median_ns(rounds / 10, || {
        black_box(authorizer.is_authorized(black_box(&request), black_box(&cedar_policies), black_box(&entities)));
    });

    println!("govit rules: decide(register_project)           median {ours:>8.0} ns");
    println!("cedar-policy 4: is_authorized                  median {theirs:>8.0} ns");
    println!("ratio cedar / govit = {:.1}x faster (target >= 10x)", theirs / ours);
}

/// The median of 25 batches' mean time per call, in nanoseconds.
fn median_ns(calls: usize, mut f: impl FnMut()) -> f64 {
    let batch = (calls / 25).max(1);
    for _ in 0..batch {
        f();
    }
    let mut means: Vec<f64> = (0..25)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed().as_nanos() as f64 / batch as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    means[means.len() / 2]
}
