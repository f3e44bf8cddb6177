//! Powers [24][25][29]: who may act, deny by default, decided before any article is looked at.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::vocab::*;
use govit_rules::{Actor, Command, Role};

/// Every action of the owner, on project `P`.
fn owner_commands() -> Vec<Command> {
    vec![
        propose("P", 2022),
        Command::RequestSupplementaryInclusion {
            project: pid("P"),
            year: plan_year(2022),
            reason: SupplementaryReason::Urgent,
        },
        file_record("P"),
        submit_stage("P", Stage::ImplementationPlan, 1_000_000),
        appoint_team("P"),
        start_construction("P"),
        sign_contract("P", "C1", 1),
        adjust("P", 1),
        annual_report("P", 2022),
        complete_construction("P"),
        record_assessment("P", AssessmentKind::FinalAccountsAudit),
        accept("P"),
        Command::FileAcceptance { project: pid("P") },
        Command::RegisterAssets { project: pid("P") },
        start_operation("P"),
        self_evaluation("P"),
        report_rectified("P"),
    ]
}

/// Every action on project `P`, whoever takes it.
fn all_project_commands() -> Vec<Command> {
    let mut all = owner_commands();
    all.extend([
        Command::ApproveSupplementaryInclusion { project: pid("P"), year: plan_year(2022) },
        commission_review("P"),
        submit_evaluation("P", 1_000_000),
        approve_stage("P", 1_000_000),
        return_stage("P"),
        government_approve("P"),
        issue_technical_opinion("P"),
        release_funds("P", Purpose::PreliminaryWork, 1),
        release_funds("P", Purpose::Construction, 1),
        confirm_ready("P"),
        commission_post_evaluation("P"),
        order_rectification("P", Area::Funds, "2022-12-31"),
        impose("P", Measure::PublicCriticism),
        lift_suspension("P"),
    ]);
    all
}

/// Project `P` in jiangan, registered at 1,000,000 once jiangan's rules are in force: the district
/// authority approves it. Planned and its implementation plan submitted.
fn jiangan_project_submitted() -> Sim {
    let mut sim = Sim::new();
    sim.registered_in("P", 1_000_000, "jiangan", "2022-01-05");
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    sim
}

// Owners ------------------------------------------------------------------------------------------------------

#[test]
fn another_units_owner_may_take_no_action_on_the_project() {
    for command in owner_commands() {
        let mut sim = Sim::new();
        sim.under_construction("P", 1_000_000, "2022-03-01");
        let before = sim.project("P").clone();
        let what = format!("{:?}", command.action());
        match sim.act("2022-04-01", &other_owner(), command) {
            Err(govit_rules::Rejection::Forbidden(_)) => {}
            other => panic!("{what}: expected forbidden, got {other:?}"),
        }
        assert_eq!(sim.project("P"), &before, "{what}: a forbidden action changes nothing");
    }
}

#[test]
fn the_owner_acts_on_its_own_project() {
    let mut sim = Sim::new();
    sim.approved("P", 1_000_000, "2022-02-01");
    ok(sim.act("2022-03-01", &owner(), appoint_team("P")));
    ok(sim.act("2022-03-01", &owner(), start_construction("P")));
}

#[test]
fn an_owner_may_not_register_a_project_in_another_units_name() {
    let mut sim = Sim::new();
    assert_forbidden(sim.register("2022-01-05", &other_owner(), "P", registration(1_000_000)));
    assert!(sim.projects.is_empty());
}

#[test]
fn only_an_owner_registers_projects() {
    for who in [bureau(), government(), finance(), consultant(), district_authority("jiangan"), admin()] {
        let mut sim = Sim::new();
        assert_forbidden(sim.register("2022-01-05", &who, "P", registration(1_000_000)));
    }
}

#[test]
fn an_owner_is_refused_by_the_rules_only_after_its_powers_are_checked() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    let mut s = submission("P", Stage::FeasibilityStudy, 1_000_000);
    s.documents.clear();
    assert_forbidden(sim.act("2022-01-06", &other_owner(), submit(s.clone())));
    assert_refused(sim.act("2022-01-06", &owner(), submit(s)), 7);
}

// Approver vs bureau in a district with district_authority ----------------------------------------------------

#[test]
fn in_a_district_with_its_own_authority_the_bureau_may_not_review_or_approve_a_stage() {
    let mut sim = jiangan_project_submitted();
    assert_eq!(sim.project("P").approver, Authority::DistrictAuthority);
    assert_forbidden(sim.act("2022-01-21", &bureau(), commission_review("P")));
    assert_forbidden(sim.act("2022-01-21", &bureau(), return_stage("P")));
    ok(sim.act("2022-01-21", &district_authority("jiangan"), commission_review("P")));
    ok(sim.act("2022-01-22", &consultant(), submit_evaluation("P", 1_000_000)));
    assert_forbidden(sim.act("2022-01-23", &bureau(), approve_stage("P", 1_000_000)));
    ok(sim.act("2022-01-23", &district_authority("jiangan"), approve_stage("P", 1_000_000)));
    assert_eq!(sim.project("P").status, Status::Approved);
}

#[test]
fn another_districts_authority_may_not_approve() {
    let mut sim = jiangan_project_submitted();
    assert_forbidden(sim.act("2022-01-21", &district_authority("wuchang"), commission_review("P")));
}

#[test]
fn a_district_authority_may_not_approve_a_city_project() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    assert_forbidden(sim.act("2022-01-21", &district_authority("jiangan"), commission_review("P")));
    ok(sim.act("2022-01-21", &bureau(), commission_review("P")));
}

#[test]
fn a_district_project_registered_before_its_rules_keeps_the_bureau_as_approver() {
    let mut sim = Sim::new();
    sim.registered_in("P", 1_000_000, "jiangan", "2021-09-30");
    assert_eq!(sim.project("P").approver, Authority::Bureau);
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    assert_forbidden(sim.act("2022-01-21", &district_authority("jiangan"), commission_review("P")));
    ok(sim.act("2022-01-21", &bureau(), commission_review("P")));
}

#[test]
fn both_the_district_approver_and_the_bureau_may_impose_measures_and_lift_a_suspension() {
    for who in [district_authority("jiangan"), bureau()] {
        let mut sim = Sim::new();
        sim.registered_in("P", 1_000_000, "jiangan", "2022-01-05");
        sim.approve_existing("P", 1_000_000, "2022-01-10");
        sim.started("P", "2022-02-01");
        ok(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-06-30")));
        ok(sim.act("2022-07-01", &who, impose("P", Measure::SuspendConstruction)));
        ok(sim.act("2022-07-02", &owner(), report_rectified("P")));
        ok(sim.act("2022-07-03", &who, lift_suspension("P")));
    }
}

#[test]
fn no_one_but_the_approver_or_the_bureau_imposes_measures() {
    for who in [finance(), audit(), cyberspace_office(), government(), owner(), district_authority("wuchang")] {
        let mut sim = Sim::new();
        sim.under_construction("P", 1_000_000, "2022-03-01");
        ok(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-06-30")));
        assert_forbidden(sim.act("2022-07-01", &who, impose("P", Measure::PublicCriticism)));
    }
}

#[test]
fn in_a_district_with_its_own_authority_the_district_reviews_the_plan() {
    let mut sim = Sim::new();
    sim.registered_in("P", 1_000_000, "jiangan", "2022-01-05");
    ok(sim.act("2022-01-06", &owner(), propose("P", 2022)));
    assert_forbidden(sim.act("2022-01-07", &bureau(), review_plan(2022, &jur("jiangan"))));
    assert_forbidden(sim.act("2022-01-07", &district_authority("wuchang"), review_plan(2022, &jur("jiangan"))));
    ok(sim.act("2022-01-07", &district_authority("jiangan"), review_plan(2022, &jur("jiangan"))));
    ok(sim.act("2022-01-08", &government(), approve_plan(2022, &jur("jiangan"))));
}

#[test]
fn before_a_districts_rules_take_effect_the_bureau_reviews_its_plan() {
    let mut sim = Sim::new();
    assert_forbidden(sim.act("2021-09-30", &district_authority("jiangan"), review_plan(2021, &jur("jiangan"))));
    ok(sim.act("2021-09-30", &bureau(), review_plan(2021, &jur("jiangan"))));
}

#[test]
fn in_the_city_the_bureau_reviews_the_plan_and_the_government_approves_it() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    ok(sim.act("2022-01-06", &owner(), propose("P", 2022)));
    for who in [owner(), government(), district_authority("jiangan"), admin()] {
        assert_forbidden(sim.act("2022-01-07", &who, review_plan(2022, &wuhan())));
    }
    ok(sim.act("2022-01-07", &bureau(), review_plan(2022, &wuhan())));
    for who in [owner(), bureau(), admin()] {
        assert_forbidden(sim.act("2022-01-08", &who, approve_plan(2022, &wuhan())));
    }
    ok(sim.act("2022-01-08", &government(), approve_plan(2022, &wuhan())));
}

// [15] the municipal government ------------------------------------------------------------------------

#[test]
fn a_district_government_cannot_give_the_municipal_governments_approval() {
    let mut sim = Sim::new();
    sim.registered_in("P", 30_000_000, "jiangan", "2022-01-05");
    sim.planned("P", "2022-01-10");
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    let district_government = actor(Role::Government, "江岸区人民政府", "jiangan");
    assert_forbidden(sim.act("2022-02-02", &district_government, government_approve("P")));
    assert_eq!(sim.project("P").status, Status::AwaitingGovernmentApproval);
    ok(sim.act("2022-02-02", &government(), government_approve("P")));
}

// Other named powers ------------------------------------------------------------------------------------------

#[test]
fn only_finance_releases_funds() {
    for who in [bureau(), government(), owner(), audit(), development_reform()] {
        let mut sim = Sim::new();
        sim.approved("P", 1_000_000, "2022-02-01");
        assert_forbidden(sim.act("2022-02-02", &who, release_funds("P", Purpose::Construction, 1)));
    }
}

#[test]
fn a_city_department_acts_on_district_projects_but_a_district_one_not_on_city_projects() {
    let mut sim = Sim::new();
    sim.registered_in("D", 1_000_000, "jiangan", "2022-01-05");
    sim.planned("D", "2022-01-10");
    sim.registered("C", 1_000_000, "2022-01-05");
    sim.planned("C", "2022-01-10");
    ok(sim.act("2022-01-11", &finance(), release_funds("D", Purpose::PreliminaryWork, 1)));
    let district_finance = actor(Role::Finance, "江岸区财政局", "jiangan");
    ok(sim.act("2022-01-11", &district_finance, release_funds("D", Purpose::PreliminaryWork, 1)));
    assert_forbidden(sim.act("2022-01-11", &district_finance, release_funds("C", Purpose::PreliminaryWork, 1)));
}

#[test]
fn only_the_commissioned_consultant_submits_the_evaluation() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    ok(sim.act("2022-01-21", &bureau(), commission_review("P")));
    let other_consultant = actor(Role::Consultant, "另一家咨询公司", "wuhan");
    assert_forbidden(sim.act("2022-01-22", &other_consultant, submit_evaluation("P", 1_000_000)));
    assert_forbidden(sim.act("2022-01-22", &bureau(), submit_evaluation("P", 1_000_000)));
    ok(sim.act("2022-01-22", &consultant(), submit_evaluation("P", 1_000_000)));
}

#[test]
fn only_the_named_industry_authority_approves_a_schools_own_project() {
    let mut sim = Sim::new();
    let mut r = registration(1_000_000);
    r.owner.kind = OwnerKind::School;
    r.self_built_self_used = true;
    r.industry_authority = Some(org(INDUSTRY_AUTHORITY));
    ok(sim.register("2022-01-05", &owner(), "P", r));
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    let health_commission = actor(Role::IndustryAuthority, "武汉市卫生健康委", "wuhan");
    assert_forbidden(sim.act("2022-01-21", &health_commission, commission_review("P")));
    assert_forbidden(sim.act("2022-01-21", &bureau(), commission_review("P")));
    ok(sim.act("2022-01-21", &industry_authority(), commission_review("P")));
}

#[test]
fn the_technical_opinion_on_a_capital_construction_project_is_the_bureaus() {
    let mut sim = Sim::new();
    let mut r = registration(1_000_000);
    r.bundled_with_fixed_asset = true;
    ok(sim.register("2022-01-05", &owner(), "P", r));
    sim.planned("P", "2022-01-10");
    assert_forbidden(sim.act("2022-01-20", &development_reform(), issue_technical_opinion("P")));
    ok(sim.act("2022-01-20", &bureau(), issue_technical_opinion("P")));
}

#[test]
fn only_the_government_approves_a_large_project_or_a_supplementary_inclusion() {
    let mut sim = Sim::new();
    sim.registered("P", 30_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    for who in [bureau(), owner(), finance(), admin()] {
        assert_forbidden(sim.act("2022-02-02", &who, government_approve("P")));
    }
    ok(sim.act("2022-02-02", &government(), government_approve("P")));

    let mut sim = Sim::new();
    sim.registered("Q", 1_000_000, "2022-01-05");
    let request = Command::RequestSupplementaryInclusion {
        project: pid("Q"),
        year: plan_year(2022),
        reason: SupplementaryReason::LeadershipRequirement,
    };
    ok(sim.act("2022-03-01", &owner(), request));
    let approve = Command::ApproveSupplementaryInclusion { project: pid("Q"), year: plan_year(2022) };
    assert_forbidden(sim.act("2022-03-02", &bureau(), approve.clone()));
    ok(sim.act("2022-03-02", &government(), approve));
}

#[test]
fn only_the_bureau_confirms_readiness_for_acceptance_and_commissions_a_post_evaluation() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2023-01-10", &owner(), complete_construction("P")));
    for kind in AssessmentKind::ALL {
        ok(sim.act("2023-01-10", &owner(), record_assessment("P", *kind)));
    }
    for who in [owner(), development_reform(), district_authority("jiangan"), admin()] {
        assert_forbidden(sim.act("2023-01-11", &who, confirm_ready("P")));
        assert_forbidden(sim.act("2023-01-11", &who, commission_post_evaluation("P")));
    }
    ok(sim.act("2023-01-11", &bureau(), confirm_ready("P")));
}

// Supervisors' areas -----------------------------------------------------------------------------------------

fn may_order(who: &Actor, area: Area) -> bool {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    match sim.act("2022-05-01", who, order_rectification("P", area, "2022-06-30")) {
        Ok(_) => true,
        Err(govit_rules::Rejection::Forbidden(_)) => false,
        Err(other) => panic!("{:?} ordering in {area:?}: expected ok or forbidden, got {other:?}", who.role),
    }
}

#[test]
fn each_supervising_department_orders_rectification_only_in_its_own_areas() {
    use Area::*;
    let table: [(Actor, &[Area]); 6] = [
        (bureau(), &[InformationSharing, Procurement, Funds, Cryptography, Cybersecurity]),
        (cyberspace_office(), &[InformationSharing, Cryptography, Cybersecurity]),
        (development_reform(), &[Procurement, Funds]),
        (finance(), &[Procurement, Funds]),
        (audit(), &[Procurement, Funds]),
        (secrecy_bureau(), &[Cryptography, Cybersecurity]),
    ];
    for (who, allowed) in &table {
        for area in Area::ALL {
            assert_eq!(may_order(who, *area), allowed.contains(area), "{:?} in {area:?}", who.role);
        }
    }
}

#[test]
fn no_one_outside_the_supervising_departments_orders_rectification() {
    for who in [
        owner(),
        other_owner(),
        government(),
        consultant(),
        industry_authority(),
        district_authority("jiangan"),
        admin(),
    ] {
        for area in Area::ALL {
            assert!(!may_order(&who, *area), "{:?} in {area:?}", who.role);
        }
    }
}

#[test]
fn a_finance_bureau_may_not_order_cybersecurity_rectification_but_the_cyberspace_office_may() {
    assert!(!may_order(&finance(), Area::Cybersecurity));
    assert!(may_order(&cyberspace_office(), Area::Cybersecurity));
}

// Deny by default: the administrator ------------------------------------------------------------------------

#[test]
fn none_of_the_three_administrators_may_take_any_action_or_see_any_project() {
    for admin in administrators() {
        for command in all_project_commands() {
            let mut sim = Sim::new();
            sim.under_construction("P", 1_000_000, "2022-03-01");
            assert!(
                !govit_rules::authz::may_view(&admin, sim.project("P").audience(), &sim.policies),
                "{:?} sees no project",
                admin.role
            );
            let what = format!("{:?}", command.action());
            match sim.act("2022-04-01", &admin, command) {
                Err(govit_rules::Rejection::Forbidden(_)) => {}
                other => panic!("{what}: expected forbidden for {:?}, got {other:?}", admin.role),
            }
        }
        let mut sim = Sim::new();
        assert_forbidden(sim.register("2022-01-05", &admin, "P", registration(1_000_000)));
        assert_forbidden(sim.act("2022-01-05", &admin, review_plan(2022, &wuhan())));
        assert_forbidden(sim.act("2022-01-05", &admin, approve_plan(2022, &wuhan())));
    }
}

#[test]
fn forbidden_comes_before_the_regulation_being_in_force() {
    let mut sim = Sim::new();
    assert_forbidden(sim.register("2021-08-20", &bureau(), "P", registration(1_000_000)));
    assert_forbidden(sim.act("2021-08-20", &admin(), review_plan(2021, &wuhan())));
}

// Personal data ------------------------------------------------------------------------------------------------

#[test]
fn only_the_owner_the_approver_and_the_bureau_may_read_a_leaders_contact_data() {
    use govit_rules::authz::{may_read_contact, may_view};
    let sim = jiangan_project_submitted();
    let p = sim.project("P");
    for who in [owner(), district_authority("jiangan"), bureau()] {
        assert!(may_read_contact(&who, p, &sim.policies), "{who:?} may read it");
    }
    // They may see the project, not the person's phone or ID number.
    for who in [finance(), audit(), government(), cyberspace_office()] {
        assert!(may_view(&who, p.audience(), &sim.policies), "{who:?} sees the project");
        assert!(!may_read_contact(&who, p, &sim.policies), "{who:?} may not read it");
    }
    for who in [other_owner(), district_authority("wuchang"), consultant(), admin()] {
        assert!(!may_read_contact(&who, p, &sim.policies), "{who:?} may not read it");
    }
}

#[test]
fn approvers_and_administrators_need_a_second_factor_and_owners_and_supervisors_do_not() {
    use govit_rules::Role;
    use govit_rules::authz::needs_second_factor;
    let needing: Vec<Role> = Role::ALL.iter().copied().filter(|r| needs_second_factor(*r)).collect();
    assert_eq!(
        needing,
        [
            Role::Bureau,
            Role::Government,
            Role::IndustryAuthority,
            Role::DistrictAuthority,
            Role::DevelopmentReform,
            Role::SystemAdmin,
            Role::SecurityAdmin,
            Role::AuditAdmin
        ]
    );
}

#[test]
fn an_owner_may_not_register_a_project_in_another_jurisdiction() {
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let owner = Actor {
        role: Role::Owner,
        organization: govit_rules::OrgName::parse("市信息中心".to_owned()).unwrap(),
        jurisdiction: govit_rules::JurisdictionId::wuhan(),
        person: None,
    };
    let jiangan = govit_rules::JurisdictionId::parse("jiangan".to_owned()).unwrap();
    let subject = govit_rules::authz::Subject::NewProject { owner: &owner.organization, jurisdiction: &jiangan };
    let on = "2026-03-02".parse().unwrap();
    let denied = govit_rules::authz::authorize(
        &owner,
        govit_rules::command::Action::RegisterProject,
        subject,
        None,
        &policies,
        on,
    );
    assert!(denied.unwrap_err().message.contains("项目只能在本单位所属辖区登记"));
    let home = govit_rules::JurisdictionId::wuhan();
    let subject = govit_rules::authz::Subject::NewProject { owner: &owner.organization, jurisdiction: &home };
    govit_rules::authz::authorize(&owner, govit_rules::command::Action::RegisterProject, subject, None, &policies, on)
        .unwrap();
}

#[test]
fn everyone_but_owners_consultants_and_the_administrators_oversees_projects() {
    use govit_rules::authz::oversees;
    for role in [Role::Owner, Role::Consultant, Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
        assert!(!oversees(role), "{role:?}");
    }
    for role in [
        Role::Bureau,
        Role::Government,
        Role::IndustryAuthority,
        Role::DistrictAuthority,
        Role::CyberspaceOffice,
        Role::DevelopmentReform,
        Role::Finance,
        Role::Audit,
        Role::SecrecyBureau,
    ] {
        assert!(oversees(role), "{role:?}");
    }
}

#[test]
fn each_act_of_administration_belongs_to_exactly_one_of_the_three_administrators() {
    use govit_rules::authz::{Administration, administer};
    let all = [
        Administration::ManageOrganizations,
        Administration::ManageAccounts,
        Administration::GrantRoles,
        Administration::ResetSecondFactor,
        Administration::ReadAudit,
    ];
    for what in all {
        let allowed: Vec<Role> =
            administrators().iter().filter(|a| administer(a, what).is_ok()).map(|a| a.role).collect();
        assert_eq!(allowed, [what.by()], "{what:?}");
        for who in [owner(), bureau(), government(), consultant(), district_authority("jiangan")] {
            let refused = administer(&who, what).unwrap_err();
            assert!(refused.message.starts_with(&format!("仅{}可以", what.by().label())), "{}", refused.message);
        }
    }
    assert!(administer(&admin(), Administration::GrantRoles).is_err(), "the system administrator grants no role");
    assert!(administer(&security_admin(), Administration::ManageAccounts).is_err());
    assert!(administer(&audit_admin(), Administration::GrantRoles).is_err(), "the auditor changes nothing");
}

#[test]
fn a_deciding_role_is_granted_only_to_an_organisation_of_its_kind() {
    use govit_rules::authz::{OrgStanding, grantable};
    let owner = OrgStanding { owns_projects: true, duty: None };
    let government = OrgStanding { owns_projects: false, duty: Some(Role::Government) };
    let education = OrgStanding { owns_projects: true, duty: Some(Role::IndustryAuthority) };
    let admin_office = OrgStanding { owns_projects: false, duty: None };
    assert!(grantable(&[Role::Owner], owner).is_ok());
    assert!(grantable(&[Role::Government], government).is_ok());
    assert!(grantable(&[Role::Owner, Role::IndustryAuthority], education).is_ok());
    let refused = grantable(&[Role::Government], owner).unwrap_err();
    assert!(refused.contains("不能授予“人民政府”角色"), "{refused}");
    assert!(grantable(&[Role::Bureau], government).is_err(), "the government is not the bureau");
    assert!(grantable(&[Role::Owner], government).is_err(), "the government owns no projects");
    assert!(grantable(&[Role::Finance], admin_office).is_err());
    assert!(grantable(&[], owner).is_err(), "an account holds at least one role");
}

#[test]
fn an_administrator_holds_that_one_role_and_no_other() {
    use govit_rules::authz::{OrgStanding, grantable};
    let bureau = OrgStanding { owns_projects: true, duty: Some(Role::Bureau) };
    for admin in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
        assert!(grantable(&[admin], bureau).is_ok(), "{admin:?} alone");
        for other in [Role::Bureau, Role::Owner, Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            if other == admin {
                continue;
            }
            let refused = grantable(&[admin, other], bureau).unwrap_err();
            assert!(refused.contains("三员分立"), "{refused}");
        }
    }
}

#[test]
fn an_action_a_role_could_never_take_is_refused_to_it_on_every_project() {
    use govit_rules::authz::{authorize, could};
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    let project = sim.project("P").clone();
    let on = "2022-04-01".parse().unwrap();
    let actors = [
        owner(),
        other_owner(),
        bureau(),
        government(),
        consultant(),
        finance(),
        industry_authority(),
        district_authority("jiangan"),
        cyberspace_office(),
        development_reform(),
        secrecy_bureau(),
        admin(),
        security_admin(),
        audit_admin(),
    ];
    for who in actors {
        for action in govit_rules::command::Action::ALL {
            if could(who.role, *action) {
                continue;
            }
            for area in Area::ALL {
                let subject = govit_rules::authz::Subject::Project(project.audience());
                let allowed = authorize(&who, *action, subject, Some(*area), &sim.policies, on);
                assert!(allowed.is_err(), "{:?} is allowed {action:?}, which `could` rules out", who.role);
            }
        }
    }
}

#[test]
fn only_the_ordering_department_in_its_duty_verifies_not_an_administrator_or_owner_account_of_it() {
    use govit_rules::authz::{Audience, Subject, authorize};
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    let project = sim.project("P").clone();
    let ordered_by = [finance().organization];
    let audience = Audience { supervisors: &ordered_by, ..project.audience() };
    let on = "2022-04-01".parse().unwrap();
    let verify = |who: &Actor| {
        authorize(
            who,
            govit_rules::command::Action::VerifyRectification,
            Subject::Project(audience),
            None,
            &sim.policies,
            on,
        )
    };
    assert!(verify(&finance()).is_ok(), "the department that ordered it");
    let organization = finance().organization;
    for role in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin, Role::Owner] {
        let account = Actor { role, organization: organization.clone(), ..finance() };
        assert!(verify(&account).is_err(), "{role:?} of the ordering department may not verify");
    }
}
