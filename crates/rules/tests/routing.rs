//! Registration and routing: [2][3][8][9][15][28][29][30][31], and the policy version in force on a date.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::policy::Overrides;
use govit_rules::vocab::*;

fn route_of(investment: i64) -> (Route, Authority) {
    let mut sim = Sim::new();
    sim.registered("P", investment, "2022-01-05");
    let p = sim.project("P");
    (p.route, p.approver)
}

fn route_in(jurisdiction: &str, investment: i64, on: &str) -> (Route, Authority) {
    let mut sim = Sim::new();
    sim.registered_in("P", investment, jurisdiction, on);
    let p = sim.project("P");
    (p.route, p.approver)
}

// [8] approval_threshold ------------------------------------------------------------------------------------

#[test]
fn investment_of_499_999_is_self_implemented_and_filed() {
    assert_eq!(route_of(499_999), (Route::Filing, Authority::Bureau));
}

#[test]
fn investment_of_exactly_500k_needs_approval() {
    assert_eq!(route_of(500_000), (Route::Approval, Authority::Bureau));
}

#[test]
fn investment_of_zero_is_filed() {
    assert_eq!(route_of(0).0, Route::Filing);
}

#[test]
fn a_filing_project_cannot_submit_a_stage_for_approval() {
    let mut sim = Sim::new();
    sim.registered("P", 499_999, "2022-01-05");
    sim.planned("P", "2022-01-10");
    assert_refused(sim.act("2022-02-01", &owner(), submit_stage("P", Stage::Proposal, 499_999)), 8);
}

#[test]
fn an_approval_project_of_exactly_500k_cannot_be_filed() {
    let mut sim = Sim::new();
    sim.registered("P", 500_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    assert_refused(sim.act("2022-02-01", &owner(), file_record("P")), 8);
}

#[test]
fn a_filing_project_of_499_999_is_filed_at_its_registered_investment() {
    let mut sim = Sim::new();
    sim.filed("P", 499_999, "2022-01-05");
    assert_eq!(sim.project("P").approved_investment, Some(yuan(499_999)));
}

// [29][30] a district's own threshold and authority -------------------------------------------------------

#[test]
fn in_jiangan_an_investment_of_299_999_is_filed() {
    assert_eq!(route_in("jiangan", 299_999, "2022-01-05"), (Route::Filing, Authority::DistrictAuthority));
}

#[test]
fn in_jiangan_an_investment_of_exactly_300k_needs_the_district_authoritys_approval() {
    assert_eq!(route_in("jiangan", 300_000, "2022-01-05"), (Route::Approval, Authority::DistrictAuthority));
}

#[test]
fn in_jiangan_the_day_before_its_rules_take_effect_the_city_threshold_and_the_bureau_apply() {
    assert_eq!(route_in("jiangan", 300_000, "2021-09-30"), (Route::Filing, Authority::Bureau));
    assert_eq!(route_in("jiangan", 500_000, "2021-09-30"), (Route::Approval, Authority::Bureau));
}

#[test]
fn in_jiangan_on_the_day_its_rules_take_effect_they_apply() {
    assert_eq!(route_in("jiangan", 300_000, "2021-10-01"), (Route::Approval, Authority::DistrictAuthority));
}

#[test]
fn in_wuchang_the_district_authority_approves_from_2022_but_the_city_threshold_stays() {
    assert_eq!(route_in("wuchang", 499_999, "2022-01-01"), (Route::Filing, Authority::DistrictAuthority));
    assert_eq!(route_in("wuchang", 500_000, "2022-01-01"), (Route::Approval, Authority::DistrictAuthority));
    assert_eq!(route_in("wuchang", 500_000, "2021-12-31"), (Route::Approval, Authority::Bureau));
}

#[test]
fn a_district_that_raises_the_threshold_files_what_the_city_would_approve() {
    let mut sim = Sim::new().with_version(
        "hanyang",
        Some("wuhan"),
        "2022-01-01",
        Overrides { approval_threshold: Some(yuan(800_000)), ..Overrides::default() },
    );
    sim.registered_in("P", 799_999, "hanyang", "2022-01-05");
    sim.registered_in("Q", 800_000, "hanyang", "2022-01-05");
    assert_eq!(sim.project("P").route, Route::Filing);
    assert_eq!(sim.project("Q").route, Route::Approval);
    assert_eq!(sim.project("Q").approver, Authority::Bureau, "hanyang did not name its own authority");
}

// [15] government_approval_threshold at registration ------------------------------------------------------

#[test]
fn a_registered_investment_of_29_999_999_does_not_need_the_government() {
    let mut sim = Sim::new();
    sim.registered("P", 29_999_999, "2022-01-05");
    assert!(!sim.project("P").government_approval_required);
}

#[test]
fn a_registered_investment_of_exactly_30m_needs_the_government() {
    let mut sim = Sim::new();
    sim.registered("P", 30_000_000, "2022-01-05");
    assert!(sim.project("P").government_approval_required);
}

#[test]
fn a_schools_own_project_of_30m_goes_to_its_industry_authority_and_then_the_government() {
    let mut sim = Sim::new();
    let mut r = registration(30_000_000);
    r.owner.kind = OwnerKind::School;
    r.self_built_self_used = true;
    ok(sim.register("2022-01-05", &owner(), "P", r));
    let p = sim.project("P");
    assert_eq!((p.route, p.approver), (Route::IndustryAuthorityApproval, Authority::IndustryAuthority));
    assert!(p.government_approval_required);
}

#[test]
fn a_capital_construction_project_of_30m_is_not_sent_to_the_government_under_article_15() {
    let mut sim = Sim::new();
    let mut r = registration(30_000_000);
    r.bundled_with_fixed_asset = true;
    ok(sim.register("2022-01-05", &owner(), "P", r));
    let p = sim.project("P");
    assert_eq!((p.route, p.approver), (Route::CapitalConstruction, Authority::DevelopmentReform));
    assert!(!p.government_approval_required);
}

// [9] special routes, whatever the amount ------------------------------------------------------------------

#[test]
fn a_hospitals_own_small_project_still_goes_to_its_industry_authority() {
    let mut sim = Sim::new();
    let mut r = registration(100_000);
    r.owner.kind = OwnerKind::MedicalInstitution;
    r.self_built_self_used = true;
    ok(sim.register("2022-01-05", &owner(), "P", r));
    assert_eq!(sim.project("P").route, Route::IndustryAuthorityApproval);
}

#[test]
fn a_small_project_bundled_with_a_fixed_asset_investment_is_capital_construction() {
    let mut sim = Sim::new();
    let mut r = registration(100_000);
    r.bundled_with_fixed_asset = true;
    ok(sim.register("2022-01-05", &owner(), "P", r));
    assert_eq!(sim.project("P").route, Route::CapitalConstruction);
}

// [2][3][28] scope -----------------------------------------------------------------------------------------

#[test]
fn a_state_owned_enterprise_cannot_register() {
    let mut sim = Sim::new();
    let mut r = registration(1_000_000);
    r.owner.kind = OwnerKind::StateOwnedEnterprise;
    assert_refused(sim.register("2022-01-05", &owner(), "P", r), 2);
    assert!(sim.projects.is_empty());
}

#[test]
fn centrally_procured_office_equipment_and_building_intelligence_are_out_of_scope() {
    for category in [Category::OfficeEquipment, Category::BuildingIntelligence] {
        let mut sim = Sim::new();
        let mut r = registration(1_000_000);
        r.category = category;
        assert_refused(sim.register("2022-01-05", &owner(), "P", r), 3);
    }
}

#[test]
fn a_classified_project_is_managed_outside_the_system() {
    let mut sim = Sim::new();
    let mut r = registration(1_000_000);
    r.classified = true;
    assert_refused(sim.register("2022-01-05", &owner(), "P", r), 28);
}

#[test]
fn every_in_scope_owner_kind_category_construction_and_funding_registers() {
    let mut sim = Sim::new();
    let mut n = 0;
    for kind in [OwnerKind::PartyGovernmentOrgan, OwnerKind::PublicInstitution] {
        for category in
            Category::ALL.iter().filter(|c| !matches!(c, Category::OfficeEquipment | Category::BuildingIntelligence))
        {
            for construction in Construction::ALL {
                for funding in Funding::ALL {
                    let mut r = registration(1_000_000);
                    r.owner.kind = kind;
                    r.category = *category;
                    r.construction = *construction;
                    r.funding = *funding;
                    n += 1;
                    ok(sim.register("2022-01-05", &owner(), &format!("P{n}"), r));
                }
            }
        }
    }
    assert_eq!(sim.projects.len(), n);
}

// [31] in force from 2021-08-21 ----------------------------------------------------------------------------

#[test]
fn nothing_can_be_registered_on_2021_08_20() {
    let mut sim = Sim::new();
    assert_eq!(refused(sim.register("2021-08-20", &owner(), "P", registration(1_000_000))), articles(&[31]));
    assert!(sim.projects.is_empty());
}

#[test]
fn a_registration_on_2021_08_21_is_accepted() {
    let mut sim = Sim::new();
    let decision = ok(sim.register("2021-08-21", &owner(), "P", registration(1_000_000)));
    assert_eq!(decision.policy, "wuhan@2021-08-21");
}

#[test]
fn a_district_registration_before_2021_08_21_is_refused_too() {
    let mut sim = Sim::new();
    let mut r = registration(1_000_000);
    r.jurisdiction = Some(jur("jiangan"));
    assert_refused(sim.register("2021-08-20", &actor(govit_rules::Role::Owner, OWNER, "jiangan"), "P", r), 31);
}

#[test]
fn no_plan_can_be_reviewed_before_2021_08_21() {
    let mut sim = Sim::new();
    assert_refused(sim.act("2021-08-20", &bureau(), review_plan(2021, &wuhan())), 31);
}

#[test]
fn an_unknown_jurisdiction_has_no_rules_to_apply() {
    let mut sim = Sim::new();
    let mut r = registration(1_000_000);
    r.jurisdiction = Some(jur("atlantis"));
    let mut owner_there = owner();
    owner_there.jurisdiction = jur("atlantis");
    let cited = refused(sim.register("2022-01-05", &owner_there, "P", r));
    assert!(cited.contains(&govit_rules::notice::Article(30)), "{cited:?}");
}

// The policy version in force on the action's date ---------------------------------------------------------

fn with_a_2025_threshold_of_one_million() -> Sim {
    Sim::new().with_version(
        "wuhan",
        None,
        "2025-01-01",
        Overrides { approval_threshold: Some(yuan(1_000_000)), ..Overrides::default() },
    )
}

#[test]
fn a_later_version_does_not_apply_the_day_before_it_takes_effect() {
    let mut sim = with_a_2025_threshold_of_one_million();
    let decision = ok(sim.register("2024-12-31", &owner(), "P", registration(999_999)));
    assert_eq!(sim.project("P").route, Route::Approval);
    assert_eq!(decision.policy, "wuhan@2021-08-21");
}

#[test]
fn a_later_version_applies_from_the_day_it_takes_effect() {
    let mut sim = with_a_2025_threshold_of_one_million();
    let decision = ok(sim.register("2025-01-01", &owner(), "P", registration(999_999)));
    assert_eq!(sim.project("P").route, Route::Filing);
    assert_eq!(decision.policy, "wuhan@2021-08-21+wuhan@2025-01-01");
}

#[test]
fn a_later_version_changes_only_what_it_sets() {
    let mut sim = with_a_2025_threshold_of_one_million();
    ok(sim.register("2025-01-01", &owner(), "P", registration(30_000_000)));
    assert!(sim.project("P").government_approval_required, "the government threshold is still 30m");
    assert_eq!(sim.project("P").approver, Authority::Bureau);
}

#[test]
fn a_route_fixed_at_registration_is_not_changed_by_a_later_version() {
    let mut sim = with_a_2025_threshold_of_one_million();
    sim.registered("P", 999_999, "2024-12-31");
    sim.planned("P", "2025-01-02");
    assert_eq!(sim.project("P").route, Route::Approval);
    assert_refused(sim.act("2025-01-03", &owner(), file_record("P")), 8);
    ok(sim.act("2025-01-03", &owner(), submit_stage("P", Stage::Proposal, 999_999)));
}

#[test]
fn a_district_decision_records_the_city_and_district_versions_it_used() {
    let mut sim = Sim::new();
    let mut r = registration(300_000);
    r.jurisdiction = Some(jur("jiangan"));
    let jiangan_owner = actor(govit_rules::Role::Owner, OWNER, "jiangan");
    let decision = ok(sim.register("2022-01-05", &jiangan_owner, "P", r.clone()));
    assert_eq!(decision.policy, "wuhan@2021-08-21+jiangan@2021-10-01");
    let decision = ok(sim.register("2021-09-30", &jiangan_owner, "Q", r));
    assert_eq!(decision.policy, "wuhan@2021-08-21");
}

#[test]
fn a_district_override_outlives_a_later_city_version_that_sets_the_same_parameter() {
    let mut sim = with_a_2025_threshold_of_one_million();
    sim.registered_in("P", 300_000, "jiangan", "2025-06-01");
    assert_eq!(sim.project("P").route, Route::Approval, "jiangan's 300k still applies over the city's new 1m");
}

/// Every parameter, as a policy file would set them.
fn complete_set() -> Overrides {
    serde_yaml_ng::from_str(
        "{approval_threshold: 500000, government_approval_threshold: 30000000, adjustment_tolerance: 0.15, \
         adjustment_basis: cumulative, annual_report_due: '12-31', acceptance_window_months: 6, \
         self_evaluation_window_months: [12, 24], cryptography_assessment_interval_months: 12, \
         approval_authority: bureau}",
    )
    .unwrap()
}

/// [31] holds whatever the policy data: a version dated before the issuance is either refused when it is
/// added, or does not make anything decidable before 2021-08-21.
fn nothing_decidable_before_issuance(jurisdiction: &str, parent: Option<&str>) {
    let mut sim = Sim::new();
    let version = govit_rules::policy::Version { effective: d("2021-01-01"), title: None, set: complete_set() };
    if sim.policies.add_version("test", jur(jurisdiction), parent.map(jur), version).is_err() {
        return;
    }
    let mut r = registration(1_000_000);
    r.jurisdiction = Some(jur(jurisdiction));
    assert_refused(sim.register("2021-05-01", &owner(), "P", r), 31);
}

#[test]
fn a_district_rule_dated_before_the_regulation_does_not_bring_it_into_force_early() {
    nothing_decidable_before_issuance("hanyang", Some("wuhan"));
}

#[test]
fn a_city_version_dated_before_the_regulation_does_not_bring_it_into_force_early() {
    nothing_decidable_before_issuance("wuhan", None);
}
