#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::*;
use govit_rules::Role;
use govit_rules::vocab::*;

#[test]
fn probe_district_government() {
    let mut sim = Sim::new();
    sim.registered_in("P", 30_000_000, "jiangan", "2022-01-05");
    sim.planned("P", "2022-01-10");
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    let dg = actor(Role::Government, "江岸区人民政府", "jiangan");
    println!("district gov: {:?}", sim.act("2022-02-02", &dg, government_approve("P")).map(|d| d.events.len()));
    println!("status {:?}", sim.project("P").status);
    // district government approving the city plan?
    let mut sim = Sim::new();
    sim.registered("Q", 1_000_000, "2022-01-05");
    ok(sim.act("2022-01-06", &owner(), propose("Q", 2022)));
    ok(sim.act("2022-01-07", &bureau(), review_plan(2022, &wuhan())));
    println!("district gov city plan: {:?}", sim.act("2022-02-02", &dg, approve_plan(2022, &wuhan())).is_ok());
}
