//! One form per action of docs/SCENARIOS.md, described as data: the page renders it, the same description parses
//! the submission into the command's JSON, and serde's path names the field that is wrong.

use govit_rules::Year;
use govit_rules::command::Action;
use govit_rules::vocab::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The options of a closed list, as `(code, Chinese label)`.
type Options = fn() -> Vec<(&'static str, &'static str)>;

/// Declares `fn name() -> Vec<(code, label)>` for vocabularies.
macro_rules! options {
    ($($f:ident: $t:ty),+ $(,)?) => {
        $(fn $f() -> Vec<(&'static str, &'static str)> { <$t>::ALL.iter().map(|v| (v.code(), v.label())).collect() })+
    };
}

options!(
    categories: Category,
    constructions: Construction,
    fundings: Funding,
    stages: Stage,
    documents: Document,
    preparers: Preparer,
    builds: Build,
    opinions: Opinion,
    purposes: Purpose,
    procurements: Procurement,
    adjustment_reasons: AdjustmentReason,
    report_opinions: ReportOpinion,
    assessment_kinds: AssessmentKind,
    acceptance_reviews: AcceptanceReview,
    areas: Area,
    measures: Measure,
    supplementary_reasons: SupplementaryReason,
    verification_results: VerificationResult,
    plan_review_results: PlanReviewResult,
    dispute_outcomes: DisputeOutcome,
    health_levels: govit_rules::rating::HealthLevel,
);

/// The deadlines a card can be for, annual reports from the year the regulation took effect: a card's
/// dispute form is opened from the card with its deadline chosen.
fn deadline_names() -> Vec<(&'static str, &'static str)> {
    use govit_rules::derive::DeadlineName as D;
    static NAMES: std::sync::LazyLock<Vec<(String, String)>> = std::sync::LazyLock::new(|| {
        let fixed = [D::Acceptance, D::SelfEvaluation, D::CryptographyAssessment, D::Rectification];
        (2021..=2050).map(D::AnnualReport).chain(fixed).map(|d| (d.to_string(), d.label())).collect()
    });
    NAMES.iter().map(|(code, label)| (code.as_str(), label.as_str())).collect()
}

/// How a field is entered.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    LongText,
    /// Yuan, or 万 with `万` ("120万").
    Money,
    Date,
    Year,
    /// A checkbox; the flag says whether it starts ticked.
    Bool(bool),
    Choice(Options),
    Multi(Options),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn f(name: &'static str, label: &'static str, kind: Kind) -> Field {
    Field { name, label, kind, required: true }
}

const fn optional(name: &'static str, label: &'static str, kind: Kind) -> Field {
    Field { name, label, kind, required: false }
}

/// The fields of an action's form (the project itself comes from the page).
pub fn fields(action: Action) -> Vec<Field> {
    use Action as A;
    use Kind::*;
    match action {
        A::RegisterProject => registration(),
        // [7] the reviewer's task for a unit: the unit, the plan year, and what a registration asks.
        A::AssignProject => {
            let mut fields = vec![f("owner", "承担建设任务的单位", Text), f("year", "计划年度", Year)];
            fields.extend(registration());
            fields
        }
        A::AdjustProposal => vec![f("investment", "调整后的投资额(元)", Money), f("reason", "调整理由", LongText)],
        A::MergeProposals => vec![f("investment", "合并后的投资额(元)", Money)],
        A::FilePlanReview => vec![
            f("year", "计划年度", Year),
            f("result", "备案审核结论", Choice(plan_review_results)),
            optional("note", "审核意见", LongText),
        ],
        A::ProposeForPlan => vec![f("year", "计划年度", Year)],
        A::RequestSupplementaryInclusion => {
            vec![f("year", "计划年度", Year), f("reason", "补充列入理由", Choice(supplementary_reasons))]
        }
        A::ApproveSupplementaryInclusion => vec![f("year", "计划年度", Year)],
        A::SubmitStage => vec![
            f("stage", "审批环节", Choice(stages)),
            f("investment", "申报投资(元)", Money),
            optional("documents", "申报材料", Multi(documents)),
            f("preparer", "方案编制单位资质", Choice(preparers)),
            optional("prepared_by", "方案编制单位名称(不得再受托评估本方案,第十六条)", Text),
            optional("design_depth_sufficient", "前期工作深度达到初步设计要求(可直接编报实施方案)", Bool(false)),
            optional("builds", "涉及基础设施与统一服务", Multi(builds)),
            optional("summary", "建设内容摘要(本环节的建设内容,不超过2000字)", LongText),
        ],
        A::CommissionReview | A::CommissionPostEvaluation => vec![f("consultant", "咨询评估单位", Text)],
        A::SubmitEvaluation => {
            vec![optional("opinions", "评估意见", Multi(opinions)), f("recommended_investment", "建议投资(元)", Money)]
        }
        A::ApproveStage => {
            vec![f("approved_investment", "核定投资(元)", Money), optional("opinions", "批复意见", Multi(opinions))]
        }
        A::ReturnStage => vec![f("reason", "退回理由", LongText)],
        A::ReleaseFunds => vec![f("purpose", "资金用途", Choice(purposes)), f("amount", "金额(元)", Money)],
        // The phone and ID number are personal data: encrypted at rest (SM4-GCM), never written to the log.
        A::AppointTeam => vec![
            f("agency", "项目实施机构", Text),
            f("leader", "项目责任人", Text),
            optional("supervisor", "监理单位(第十七条;年度绩效评价须征求其意见)", Text),
            optional("leader_phone", "项目责任人联系电话(手机或带区号的固定电话,加密保存)", Text),
            optional("leader_id_number", "项目责任人身份证号码(18位,加密保存)", Text),
        ],
        A::SignContract => vec![
            f("contract", "合同编号", Text),
            f("amount", "合同金额(元)", Money),
            f("procurement", "采购方式", Choice(procurements)),
        ],
        A::RequestAdjustment => vec![
            f("amount", "调整金额(元)", Money),
            f("reason", "调整情形", Choice(adjustment_reasons)),
            optional("goal_unchanged", "建设目标不变", Bool(true)),
            optional("within_estimate", "投资规模未超出概算批复", Bool(true)),
        ],
        A::ApproveAdjustment => vec![f("approved_investment", "调整后核定投资(元)", Money)],
        A::RejectAdjustment => vec![f("reason", "不予批准的理由", LongText)],
        A::ReturnSurplus => vec![f("amount", "退回结余资金(元,须为全部结余)", Money)],
        A::VerifyRectification => vec![
            f("result", "核查结论", Choice(verification_results)),
            optional("finding", "仍不符合要求之处(结论为不符合要求时填写)", LongText),
        ],
        A::FileRecord => vec![optional("builds", "涉及基础设施与统一服务(第十二条)", Multi(builds))],
        A::SubmitAnnualReport => vec![
            f("year", "报告年度", Year),
            optional("opinions_from", "已征求意见", Multi(report_opinions)),
            optional("self_rating", "项目自评状况(绿/黄/红,与系统评级并列显示)", Choice(health_levels)),
        ],
        A::ReportRating => vec![
            f("level", "项目自评状况(绿/黄/红)", Choice(health_levels)),
            f("note", "说明(进度、投资、存在的问题)", LongText),
        ],
        A::RecordAssessment => vec![f("kind", "评估审计事项", Choice(assessment_kinds))],
        A::Accept => vec![optional("reviewed", "验收内容", Multi(acceptance_reviews))],
        A::OrderRectification => {
            vec![f("area", "监管领域", Choice(areas)), f("finding", "发现的问题", LongText), f("due", "整改期限", Date)]
        }
        A::ImposeMeasure => vec![f("measure", "处理措施", Choice(measures))],
        A::PublishRanking => vec![f("period", "月份(如 2026-11)", Text)],
        A::DisputeCard => {
            vec![f("deadline", "警示牌所属事项", Choice(deadline_names)), f("reason", "异议理由", LongText)]
        }
        A::ResolveCardDispute => vec![
            f("deadline", "警示牌所属事项", Choice(deadline_names)),
            f("outcome", "处理结果", Choice(dispute_outcomes)),
            optional("note", "处理意见", LongText),
        ],
        A::ReviewPlan | A::ApprovePlan | A::IncludeInInvestmentPlan => vec![f("year", "计划年度", Year)],
        A::GovernmentApprove
        | A::IssueTechnicalOpinion
        | A::StartConstruction
        | A::CompleteConstruction
        | A::ConfirmReadyForAcceptance
        | A::FileAcceptance
        | A::RegisterAssets
        | A::StartOperation
        | A::SubmitSelfEvaluation
        | A::ReportRectified
        | A::LiftSuspension
        | A::IssueCards => Vec::new(),
    }
}

fn registration() -> Vec<Field> {
    use Kind::*;
    vec![
        f("name", "项目名称", Text),
        f("category", "项目类别", Choice(categories)),
        f("construction", "建设性质", Choice(constructions)),
        f("funding", "资金方式", Choice(fundings)),
        f("investment", "投资额(元,或如“120万”)", Money),
        optional("bundled_with_fixed_asset", "与固定资产投资项目同步建设(第九条)", Bool(false)),
        optional("self_built_self_used", "使用市级财政性资金自建自用(学校、医疗机构等,第九条)", Bool(false)),
        optional("industry_authority", "行业主管部门(自建自用项目填写)", Text),
        optional("classified", "涉密项目(第二十八条)", Bool(false)),
        optional("summary", "建设内容摘要(不超过2000字)", LongText),
    ]
}

/// A submitted form: every value of every name, in order.
#[derive(Debug, Clone, Default)]
pub struct Submitted(BTreeMap<String, Vec<String>>);

impl Submitted {
    pub fn parse(body: &[u8]) -> Submitted {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Submitted(map)
    }

    /// A submission of the fields given: what a page opened with values (query parameters) starts from.
    pub fn of(fields: &[(&str, &str)]) -> Submitted {
        Submitted(fields.iter().map(|(name, value)| ((*name).to_owned(), vec![(*value).to_owned()])).collect())
    }

    /// Sets one field, replacing what was submitted under its name.
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_owned(), vec![value.to_owned()]);
    }

    pub fn one(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.first()).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.get(name).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default()
    }
}

/// Field-level problems, by field name, in Chinese.
pub type FieldErrors = BTreeMap<String, String>;

/// Builds the `with` object of an action from a submission; every bad field is reported, none guessed.
pub fn to_with(action: Action, form: &Submitted) -> Result<Map<String, Value>, FieldErrors> {
    let mut with = Map::new();
    let mut errors = FieldErrors::new();
    for field in fields(action) {
        let value = match field.kind {
            Kind::Bool(_) => Some(Value::Bool(form.one(field.name).is_some())),
            Kind::Multi(options) => {
                let codes: Vec<(&str, &str)> = options();
                let chosen = form.all(field.name);
                if let Some(bad) = chosen.iter().find(|c| !codes.iter().any(|(code, _)| code == *c)) {
                    errors.insert(field.name.to_owned(), format!("“{bad}”不是可选项"));
                }
                Some(Value::Array(chosen.into_iter().map(|c| Value::String(c.to_owned())).collect()))
            }
            _ => match form.one(field.name) {
                None if field.required => {
                    errors.insert(field.name.to_owned(), "必填".to_owned());
                    None
                }
                None => None,
                Some(text) => match field.kind {
                    Kind::Year => match Year::parse(text) {
                        Ok(y) => Some(Value::from(y.get())),
                        Err(e) => {
                            errors.insert(field.name.to_owned(), format!("{e},如 2026"));
                            None
                        }
                    },
                    Kind::Choice(options) if !options().iter().any(|(code, _)| *code == text) => {
                        errors.insert(field.name.to_owned(), format!("“{text}”不是可选项"));
                        None
                    }
                    _ => Some(Value::String(text.to_owned())),
                },
            },
        };
        if let Some(v) = value {
            with.insert(field.name.to_owned(), v);
        }
    }
    if errors.is_empty() { Ok(with) } else { Err(errors) }
}

/// A field as the template shows it.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub input: &'static str,
    pub required: bool,
    pub value: String,
    pub checked: bool,
    pub options: Vec<OptionView>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OptionView {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

impl OptionView {
    pub fn new(code: impl Into<String>, label: impl Into<String>, selected: bool) -> OptionView {
        OptionView { code: code.into(), label: label.into(), selected }
    }
}

/// The fields of an action's form, filled from a previous submission (or defaults) and its errors.
pub fn views(
    action: Action,
    form: Option<&Submitted>,
    errors: &FieldErrors,
    defaults: &[(&str, String)],
) -> Vec<FieldView> {
    fields(action)
        .into_iter()
        .map(|field| {
            let default = defaults.iter().find(|(n, _)| *n == field.name).map(|(_, v)| v.clone());
            let value = form.and_then(|s| s.one(field.name).map(str::to_owned)).or(default).unwrap_or_default();
            let chosen: Vec<String> =
                form.map(|s| s.all(field.name).into_iter().map(str::to_owned).collect()).unwrap_or_default();
            let (input, options, checked) = match field.kind {
                Kind::Text => ("text", Vec::new(), false),
                Kind::LongText => ("textarea", Vec::new(), false),
                Kind::Money => ("money", Vec::new(), false),
                Kind::Date => ("date", Vec::new(), false),
                Kind::Year => ("year", Vec::new(), false),
                Kind::Bool(initial) => ("bool", Vec::new(), form.map_or(initial, |s| s.one(field.name).is_some())),
                Kind::Choice(o) => (
                    "choice",
                    o().into_iter().map(|(code, label)| OptionView::new(code, label, value == code)).collect(),
                    false,
                ),
                Kind::Multi(o) => (
                    "multi",
                    o().into_iter()
                        .map(|(code, label)| OptionView::new(code, label, chosen.iter().any(|c| c == code)))
                        .collect(),
                    false,
                ),
            };
            FieldView {
                name: field.name,
                label: field.label,
                input,
                required: field.required,
                value,
                checked,
                options,
                error: errors.get(field.name).cloned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_with_parameters_parses_from_a_complete_form() {
        let form = Submitted::parse(b"stage=proposal&investment=120%E4%B8%87&documents=cryptography_plan&documents=secure_reliable_statement&preparer=none");
        let with = to_with(Action::SubmitStage, &form).unwrap();
        assert_eq!(with["investment"], "120万");
        assert_eq!(with["documents"].as_array().unwrap().len(), 2);
        assert_eq!(with["design_depth_sufficient"], false);
    }

    #[test]
    fn a_missing_required_field_and_an_unknown_option_are_named() {
        let form = Submitted::parse(b"stage=final&preparer=none");
        let errors = to_with(Action::SubmitStage, &form).unwrap_err();
        assert_eq!(errors["investment"], "必填");
        assert!(errors["stage"].contains("final"));
    }
}
