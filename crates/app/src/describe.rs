//! Events in words: what a timeline shows a person.

use govit_rules::Event;
use govit_rules::money::Money;
use govit_rules::vocab::Card;

/// An amount as government documents write it: 万元 with two decimals, rounded half up.
pub fn wan(m: Money) -> String {
    let hundreds = (m.yuan() + 50) / 100;
    format!("{}.{:02}万元", hundreds / 100, hundreds % 100)
}

fn list<T: Copy>(items: impl IntoIterator<Item = T>, label: impl Fn(T) -> &'static str) -> String {
    let v: Vec<&str> = items.into_iter().map(label).collect();
    if v.is_empty() { "无".to_owned() } else { v.join("、") }
}

/// Who acted, as a timeline shows it: the person, organisation and role; the daily 电子监察 run, which no
/// person runs, by that name.
pub fn who(record: &govit_rules::Recorded) -> String {
    if record.actor.person.is_none() && matches!(record.event, Event::CardIssued { .. } | Event::CardCleared { .. }) {
        return format!("{} 电子监察(系统每日自动运行)", record.actor.organization);
    }
    record.actor.to_string()
}

/// One sentence in Chinese for an event.
pub fn describe(event: &Event) -> String {
    use Event::*;
    match event {
        ProjectRegistered(r) => format!(
            "登记项目“{}”,投资{},{};管理路径:{},审批部门:{}{}",
            r.name,
            wan(r.investment),
            r.category.label(),
            r.route.label(),
            r.approver.label(),
            if r.government_approval_required { ",须报市人民政府批准" } else { "" }
        ),
        ProposedForPlan { year, .. } => format!("申报{year}年度实施计划"),
        ProjectAssigned { year, .. } => format!("下达建设任务,列入{year}年度实施计划"),
        ProposalAdjusted { investment, reason, rejudged, .. } => format!(
            "调整申报投资为{}(理由:{reason});管理路径:{},审批部门:{}{}",
            wan(*investment),
            rejudged.route.label(),
            rejudged.approver.label(),
            if rejudged.government_approval_required { ",须报市人民政府批准" } else { "" }
        ),
        ProposalsMerged { project, merged, investment, co_builders, .. } => {
            let merged: Vec<&str> = merged.iter().map(|p| p.as_str()).collect();
            let owners: Vec<&str> = co_builders.iter().map(|o| o.as_str()).collect();
            format!(
                "合并建设:{} 并入 {project},投资{}{}",
                merged.join("、"),
                wan(*investment),
                if owners.is_empty() { String::new() } else { format!(",共建单位:{}", owners.join("、")) }
            )
        }
        PlanReviewFiled { year, result, note, .. } => match note {
            Some(note) => format!("{year}年度实施计划备案审核:{}({note})", result.label()),
            None => format!("{year}年度实施计划备案审核:{}", result.label()),
        },
        PlanIncludedInInvestmentPlan { year, .. } => format!("{year}年度实施计划纳入政府投资年度计划"),
        PlanReviewed { year, included, excluded, .. } => {
            format!("论证{year}年度实施计划:列入{}个项目,调减{}个", included.len(), excluded.len())
        }
        PlanApproved { year, projects, .. } => format!("批准{year}年度实施计划({}个项目)", projects.len()),
        SupplementaryInclusionRequested { year, reason, .. } => {
            format!("申请补充列入{year}年度计划(理由:{})", reason.label())
        }
        SupplementaryInclusionApproved { year, .. } => format!("批准补充列入{year}年度计划"),
        RecordFiled { investment, builds, .. } if builds.is_empty() => format!("备案,投资{}", wan(*investment)),
        RecordFiled { investment, builds, .. } => {
            format!("备案,投资{};涉及{}", wan(*investment), list(builds.iter().copied(), |b| b.label()))
        }
        FiledWithBureau { .. } => "行业主管部门批复后,向市政务服务和大数据管理局备案".to_owned(),
        StageSubmitted(s) => format!(
            "报送{},申报投资{};材料:{};编制单位:{}{}",
            s.stage.label(),
            wan(s.investment.money()),
            list(s.documents.iter().copied(), |d| d.label()),
            s.prepared_by.as_ref().map_or(String::new(), |b| format!("{b},")),
            s.preparer.label()
        ),
        ReviewCommissioned { consultant, .. } => format!("委托{consultant}进行第三方评估"),
        EvaluationSubmitted { consultant, opinions, recommended_investment, .. } => format!(
            "{consultant}提交评估报告,建议投资{},含{}评估意见",
            wan(*recommended_investment),
            list(opinions.iter().copied(), |o| o.label())
        ),
        StageApproved { stage, approved_investment, final_stage, government_approval_required, .. } => format!(
            "批复{},核定投资{}{}",
            stage.label(),
            wan(*approved_investment),
            match (final_stage, government_approval_required) {
                (true, true) => ";须报市人民政府批准",
                (true, false) => ";审批完成",
                (false, _) => "",
            }
        ),
        StageReturned { stage, reason, .. } => format!("退回{}:{reason}", stage.label()),
        GovernmentApproved { adjustment: None, .. } => "市人民政府批准".to_owned(),
        GovernmentApproved { adjustment: Some(amount), .. } => {
            format!("市人民政府批准调整,核定投资调整为{}", wan(*amount))
        }
        TechnicalOpinionIssued { .. } => "出具技术审查意见".to_owned(),
        FundsReleased { purpose, amount, .. } => format!("下达{}{}", purpose.label(), wan(*amount)),
        TeamAppointed { agency, leader, supervisor, contact, .. } => format!(
            "确定实施机构{agency},项目责任人{leader}{}{}",
            supervisor.as_ref().map_or_else(|| ",未登记监理单位".to_owned(), |s| format!(",监理单位{s}")),
            if contact.is_some() { "(联系方式已加密登记)" } else { "" }
        ),
        ConstructionStarted { .. } => "开工建设".to_owned(),
        ContractSigned { contract, amount, procurement, .. } => {
            format!("签订合同{contract},金额{}({})", wan(*amount), procurement.label())
        }
        AdjustmentRequested { request, outcome, limit } => format!(
            "申请调整建设内容{}({}):{}(自行调整上限{})",
            wan(request.amount),
            request.reason.label(),
            outcome.label(),
            wan(*limit)
        ),
        AdjustmentApproved { approved_investment, government_approval_required, .. } => format!(
            "批准调整建设内容,核定投资调整为{}{}",
            wan(*approved_investment),
            if *government_approval_required {
                ";达到市人民政府批准限额,须报市人民政府批准"
            } else {
                ""
            }
        ),
        AdjustmentRejected { reason, .. } => format!("不予批准调整建设内容:{reason}"),
        SurplusReturned { amount, .. } => format!("退回结余资金{}", wan(*amount)),
        AnnualReportSubmitted { year, supervisor_unrecorded: false, .. } => {
            format!("提交{year}年度项目绩效评价报告")
        }
        AnnualReportSubmitted { year, supervisor_unrecorded: true, .. } => {
            format!("提交{year}年度项目绩效评价报告;注意:报告称已征求监理单位意见,但项目未登记监理单位")
        }
        ConstructionCompleted { .. } => "完成建设任务".to_owned(),
        AssessmentRecorded { kind, .. } => format!("完成{}", kind.label()),
        ReadyForAcceptanceConfirmed { .. } => "确认可以组织验收".to_owned(),
        Accepted { .. } => "通过验收".to_owned(),
        AcceptanceFiled { .. } => "验收结果报项目审批部门备案".to_owned(),
        AssetsRegistered { .. } => "项目资产入账".to_owned(),
        OperationStarted { .. } => "投入运行".to_owned(),
        SelfEvaluationSubmitted { .. } => "报送自评报告".to_owned(),
        PostEvaluationCommissioned { consultant, .. } => format!("委托{consultant}开展后评价"),
        RectificationOrdered { number, area, finding, due, .. } => {
            format!("责令限期整改(第{number}项,{}):{finding},期限{due}", area.label())
        }
        RectificationReported { numbers, .. } => format!("报告整改完成({}项)", numbers.len()),
        RectificationVerified { numbers, result, finding, .. } => {
            let numbers: Vec<String> = numbers.iter().map(|n| format!("第{n}项")).collect();
            match finding {
                Some(f) => format!("核查整改情况({}):{};{f}", numbers.join("、"), result.label()),
                None => format!("核查整改情况({}):{}", numbers.join("、"), result.label()),
            }
        }
        MeasureImposed { measure, .. } => format!("采取处理措施:{}", measure.label()),
        SuspensionLifted { .. } => "恢复建设".to_owned(),
        CardIssued { deadline, card: Card::Yellow, due, .. } => {
            format!("电子监察亮黄牌:{}将于{due}到期", deadline.label())
        }
        CardIssued { deadline, card: Card::Red, due, .. } => {
            format!("电子监察亮红牌:{}已于{due}逾期", deadline.label())
        }
        CardCleared { deadline, .. } => format!("电子监察销牌:{}已履行", deadline.label()),
        RatingReported { level, note, computed, computed_score, .. } => {
            let note = note.as_ref().map(|n| format!(":{n}")).unwrap_or_default();
            format!("报告项目自评状况为{}{note}(当日系统评级{} {computed_score}分)", level.label(), computed.label())
        }
        RankingPublished { period, table, .. } => {
            format!(
                "发布{}电子监察排名({}个建设单位、{}个辖区)",
                period.label(),
                table.units.len(),
                table.districts.len()
            )
        }
        CardDisputed { deadline, reason, .. } => format!("对{}的警示牌提出异议:{reason}", deadline.label()),
        CardDisputeResolved { deadline, outcome, note, .. } => match note {
            Some(n) => format!("处理{}警示牌的异议:{};{n}", deadline.label(), outcome.label()),
            None => format!("处理{}警示牌的异议:{}", deadline.label(), outcome.label()),
        },
    }
}
