//! One way from a request to a command. Pages, the JSON API, the scenario runner and the demo city all hand
//! an action's name and its parameters (`do` / `with`) to [`build`], with the acting role and, where the
//! system knows it, the record of the acting account's organisation; none of them builds a command itself.
//!
//! [2] "本办法适用于市级党政机关、市直属事业单位(不含国有企业,下同)的政务信息化项目" and [9] "学校、医疗机构等
//! 使用市级财政性资金自建自用的信息化项目由行业主管部门负责审批" make the owner's kind decide the route. The kind is
//! a fact about the organisation, recorded when it was set up: an owner registers for its own organisation,
//! of the kind on record, in its own jurisdiction. A request that states another name, kind or jurisdiction
//! is refused as invalid input with the field named — never believed, and never silently corrected.

use crate::actor::Role;
use crate::command::{Action, AssignProject, Command, Owner};
use crate::ids::{JurisdictionId, OrgName};
use crate::vocab::OwnerKind;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Problems with a request, by field (`owner.kind`, `investment`), in Chinese.
pub type FieldErrors = BTreeMap<String, String>;

/// Why a request is not a command: malformed (a value that does not parse, a missing or unknown field), or
/// well formed but contradicting what the system has on record. Both change nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftError {
    Malformed(FieldErrors),
    ContradictsRecord(FieldErrors),
}

impl DraftError {
    pub fn fields(&self) -> &FieldErrors {
        match self {
            DraftError::Malformed(f) | DraftError::ContradictsRecord(f) => f,
        }
    }

    pub fn into_fields(self) -> FieldErrors {
        match self {
            DraftError::Malformed(f) | DraftError::ContradictsRecord(f) => f,
        }
    }
}

/// What the system has on record for the acting account's organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRecord {
    pub name: OrgName,
    /// Its kind under [2][9], when it may own projects.
    pub kind: Option<OwnerKind>,
    pub jurisdiction: JurisdictionId,
}

/// Builds the command `action` with parameters `with` for someone acting in `role`. `org` is the record of
/// the organisation a new project is for, where the system keeps one (pages, API): the acting account's own
/// for an owner's registration, the unit named for a task the plan's reviewer assigns [7] (found by
/// [`assigned_owner`]). With it, the owner, its kind and its jurisdiction are held to that record. A scenario
/// or the demo city declares its organisations in its own steps, so it passes none.
pub fn build(
    action: Action,
    mut with: Map<String, Value>,
    role: Role,
    org: Option<&OrgRecord>,
) -> Result<Command, DraftError> {
    if action == Action::AssignProject {
        owner_named(&mut with);
    }
    let registers = (action == Action::RegisterProject && role == Role::Owner) || action == Action::AssignProject;
    if registers && let Some(org) = org {
        hold_to_record(&mut with, org).map_err(DraftError::ContradictsRecord)?;
    }
    if action == Action::AssignProject {
        return assignment(with);
    }
    strict(action, with)
}

/// The command `action` read from `with`, every field known and well formed, or the first field that is not.
fn strict(action: Action, with: Map<String, Value>) -> Result<Command, DraftError> {
    let json = serde_json::json!({ "do": action.code(), "with": with });
    serde_path_to_error::deserialize(json).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.insert(field_of(&e.path().to_string()), e.into_inner().to_string());
        DraftError::Malformed(errors)
    })
}

/// A task for a unit [7]: its registration read as strictly as an owner's, and the plan year.
fn assignment(mut with: Map<String, Value>) -> Result<Command, DraftError> {
    let year = with.remove("year").unwrap_or(Value::Null);
    let year = serde_json::from_value(year)
        .map_err(|e| DraftError::Malformed(FieldErrors::from([("year".to_owned(), format!("须写明计划年度:{e}"))])))?;
    match strict(Action::RegisterProject, with)? {
        Command::RegisterProject(registration) => {
            Ok(Command::AssignProject(Box::new(AssignProject { registration: *registration, year })))
        }
        _ => Err(DraftError::Malformed(FieldErrors::from([("do".to_owned(), "不是下达建设任务".to_owned())]))),
    }
}

/// The name of the unit a task is assigned to (`owner.name`, or `owner` alone as a form sends it), whose
/// record the front end looks up for [`build`]; or the field's problem.
pub fn assigned_owner(with: &mut Map<String, Value>) -> Result<OrgName, DraftError> {
    owner_named(with);
    let name = with.get("owner").and_then(|o| o.get("name")).and_then(Value::as_str).unwrap_or_default();
    OrgName::parse(name).map_err(|e| {
        DraftError::Malformed(FieldErrors::from([("owner.name".to_owned(), format!("须写明承担建设任务的单位:{e}"))]))
    })
}

/// `owner: "市民政局"` (a form's one field) read as `owner: {name: "市民政局"}`.
fn owner_named(with: &mut Map<String, Value>) {
    if let Some(Value::String(name)) = with.get("owner") {
        let owner = serde_json::json!({ "name": name });
        with.insert("owner".to_owned(), owner);
    }
}

/// The field a serde path names (`with.owner.kind` → `owner.kind`, `with.documents[0]` → `documents`).
pub fn field_of(path: &str) -> String {
    let path = path.strip_prefix("with.").unwrap_or(path);
    let end = path.find('[').unwrap_or(path.len());
    match &path[..end] {
        "" | "." => "with".to_owned(),
        field => field.to_owned(),
    }
}

/// Fills the owner and the jurisdiction from the record where the request leaves them out, and refuses a
/// request that states others.
fn hold_to_record(with: &mut Map<String, Value>, org: &OrgRecord) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(kind) = org.kind else {
        errors.insert("owner".to_owned(), format!("{}未登记为项目建设单位,不能登记项目", org.name));
        return Err(errors);
    };
    let on_record = Owner { name: org.name.clone(), kind };
    // Either part may be left out (the record fills it in); a part that is stated must be the record's.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Stated {
        name: Option<OrgName>,
        kind: Option<OwnerKind>,
    }
    match with.get("owner") {
        None | Some(Value::Null) => {}
        Some(stated) => match serde_json::from_value::<Stated>(stated.clone()) {
            Err(e) => {
                errors.insert("owner".to_owned(), e.to_string());
            }
            Ok(stated) => {
                if let Some(name) = stated.name.filter(|n| n != &on_record.name) {
                    errors.insert(
                        "owner.name".to_owned(),
                        format!("只能为{}登记项目,不能以“{name}”的名义登记", on_record.name),
                    );
                }
                if let Some(stated) = stated.kind.filter(|k| *k != kind) {
                    errors.insert(
                        "owner.kind".to_owned(),
                        format!(
                            "{}登记的单位性质为“{}”,所称“{}”与之不符;单位性质以登记为准(第二条、第九条)",
                            on_record.name,
                            kind.label(),
                            stated.label()
                        ),
                    );
                }
            }
        },
    }
    match with.get("jurisdiction") {
        None | Some(Value::Null) => {}
        Some(Value::String(j)) if j == org.jurisdiction.as_str() => {}
        Some(other) => {
            errors.insert(
                "jurisdiction".to_owned(),
                format!("{}属于{},不能在{}登记项目", org.name, org.jurisdiction, other.as_str().unwrap_or("其他辖区")),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let owner =
        serde_json::to_value(&on_record).map_err(|e| FieldErrors::from([("owner".to_owned(), e.to_string())]))?;
    with.insert("owner".to_owned(), owner);
    with.insert("jurisdiction".to_owned(), Value::String(org.jurisdiction.as_str().to_owned()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn organ() -> OrgRecord {
        OrgRecord {
            name: OrgName::parse("武汉市民政局").unwrap(),
            kind: Some(OwnerKind::PartyGovernmentOrgan),
            jurisdiction: JurisdictionId::wuhan(),
        }
    }

    fn registration(extra: Value) -> Map<String, Value> {
        let mut with = json!({
            "name": "社会救助信息系统", "category": "business_application", "construction": "new",
            "funding": "government_investment", "investment": "500万", "self_built_self_used": true
        });
        if let (Some(w), Value::Object(e)) = (with.as_object_mut(), extra) {
            w.extend(e);
        }
        with.as_object().cloned().unwrap()
    }

    #[test]
    fn an_owner_that_states_another_kind_than_its_record_is_refused_with_the_field_named() {
        let with = registration(json!({"owner": {"name": "武汉市民政局", "kind": "school"}}));
        let errors = build(Action::RegisterProject, with, Role::Owner, Some(&organ())).unwrap_err();
        assert!(matches!(errors, DraftError::ContradictsRecord(_)));
        assert!(errors.fields()["owner.kind"].contains("市级党政机关"), "{errors:?}");
    }

    #[test]
    fn an_owner_may_not_register_in_another_organisations_name_or_jurisdiction() {
        let with = registration(json!({"owner": {"name": "武汉市第一中学", "kind": "party_government_organ"},
            "jurisdiction": "jiangan"}));
        let errors = build(Action::RegisterProject, with, Role::Owner, Some(&organ())).unwrap_err().into_fields();
        assert!(errors.contains_key("owner.name") && errors.contains_key("jurisdiction"), "{errors:?}");
    }

    #[test]
    fn an_owner_that_states_nothing_registers_as_its_record_says() {
        let command = build(Action::RegisterProject, registration(json!({})), Role::Owner, Some(&organ())).unwrap();
        let Command::RegisterProject(r) = command else { panic!("not a registration") };
        assert_eq!(r.owner.kind, OwnerKind::PartyGovernmentOrgan);
        assert_eq!(r.jurisdiction, Some(JurisdictionId::wuhan()));
    }

    #[test]
    fn an_organisation_without_a_kind_on_record_cannot_register() {
        let record = OrgRecord { kind: None, ..organ() };
        let errors = build(Action::RegisterProject, registration(json!({})), Role::Owner, Some(&record)).unwrap_err();
        assert!(errors.fields().contains_key("owner"));
    }

    #[test]
    fn a_task_assigned_to_a_unit_takes_the_units_kind_and_jurisdiction_from_its_record() {
        let mut with = registration(json!({"owner": {"name": "武汉市民政局"}, "year": 2024}));
        with.remove("self_built_self_used");
        assert_eq!(assigned_owner(&mut with).unwrap().as_str(), "武汉市民政局");
        let Command::AssignProject(a) = build(Action::AssignProject, with, Role::Bureau, Some(&organ())).unwrap()
        else {
            panic!("not an assignment")
        };
        assert_eq!(a.registration.owner.kind, OwnerKind::PartyGovernmentOrgan);
        assert_eq!(a.registration.jurisdiction, Some(JurisdictionId::wuhan()));
    }

    #[test]
    fn a_task_with_an_unknown_field_or_no_year_is_refused_with_the_field_named() {
        let with = registration(json!({"owner": {"name": "武汉市民政局"}, "year": 2024, "extra": 1}));
        let errors = build(Action::AssignProject, with, Role::Bureau, Some(&organ())).unwrap_err();
        assert!(matches!(&errors, DraftError::Malformed(f) if f.contains_key("extra")), "{errors:?}");
        let with = registration(json!({"owner": {"name": "武汉市民政局"}}));
        let errors = build(Action::AssignProject, with, Role::Bureau, Some(&organ())).unwrap_err();
        assert!(errors.fields().contains_key("year"), "{errors:?}");
    }

    #[test]
    fn a_task_may_not_claim_another_kind_for_the_unit_than_its_record() {
        let with = registration(json!({"owner": {"name": "武汉市民政局", "kind": "school"}, "year": 2024}));
        let errors = build(Action::AssignProject, with, Role::Bureau, Some(&organ())).unwrap_err();
        assert!(errors.fields().contains_key("owner.kind"), "{errors:?}");
    }

    #[test]
    fn a_summary_keeps_its_line_breaks_and_over_2000_characters_is_refused_with_its_field() {
        let with = registration(json!({"summary": "建设统一的社会救助数据库;\n对接民政、人社、医保等部门数据。"}));
        let Command::RegisterProject(r) = build(Action::RegisterProject, with, Role::Owner, Some(&organ())).unwrap()
        else {
            panic!("not a registration")
        };
        assert!(r.summary.unwrap().as_str().contains('\n'));
        let with = registration(json!({"summary": "长".repeat(2001)}));
        let errors = build(Action::RegisterProject, with, Role::Owner, Some(&organ())).unwrap_err();
        assert!(errors.fields()["summary"].contains("2000"), "{errors:?}");
    }

    #[test]
    fn a_serde_path_names_its_field() {
        assert_eq!(field_of("with.investment"), "investment");
        assert_eq!(field_of("with.documents[0]"), "documents");
        assert_eq!(field_of("with.owner.name"), "owner.name");
        assert_eq!(field_of("."), "with");
    }

    #[test]
    fn a_parameter_error_names_the_field() {
        let with =
            json!({"project": "wuhan-2022-0001", "amount": "十万", "reason": "other"}).as_object().cloned().unwrap();
        let errors = build(Action::RequestAdjustment, with, Role::Owner, None).unwrap_err();
        assert!(matches!(&errors, DraftError::Malformed(f) if f.contains_key("amount")), "{errors:?}");
    }
}
