//! A story's way from the plan to operation: approval (filing, opinion or stages), construction,
//! supervision, acceptance and operation.

use super::{ASSESSMENTS, Cast, DOCUMENTS, OPINIONS, REVIEWED, SUPERVISORS, Script, WAN, build_days};
use crate::AppError;
use crate::demo::stories::{Path, Point, Reach, Twist};
use crate::demo::tables::{LEADERS, SUPERVISION, actor};
use crate::demo::{cut, months_before, plus, spread, ymd};
use chrono::Datelike;
use govit_rules::Date;
use govit_rules::date::add_months;
use serde_json::json;

impl Script<'_> {
    /// Filing [8], the technical opinion [9] or the stages [10]–[16] and the government's approval [15]:
    /// the day the project is cleared for construction and its estimate, unless the story stops before.
    pub(super) fn approve(&mut self, c: &Cast, start: Date) -> Result<Option<(Date, i64)>, AppError> {
        let s = c.story;
        let investment = s.wan * WAN;
        let first = self.steps.len();
        let cleared = match s.path {
            Path::Filing => {
                self.act(c, start, &c.owner, "file_record", json!({}));
                Some((start, investment))
            }
            Path::Capital => {
                let on = plus(start, 60);
                self.act(c, on, &self.bureau.clone(), "issue_technical_opinion", json!({}));
                Some((on, investment))
            }
            Path::ThreeStage | Path::Merged => self.stages(c, start)?,
        };
        if s.reach > Reach::Approved {
            return Ok(cleared);
        }
        // A story that stops before construction stopped lately: its approval moves later, whole, so that its
        // last step falls in the weeks before today instead of months ago.
        let last = self.steps.iter().skip(first).map(|s| s.on).max();
        let target = plus(self.today, -(7 + spread(c.i, 20, 30)));
        let shift = last.map_or(0, |last| (target - last).num_days());
        if shift > 0 {
            self.steps.iter_mut().skip(first).for_each(|s| s.on = plus(s.on, shift));
        }
        Ok(None)
    }

    fn stages(&mut self, c: &Cast, start: Date) -> Result<Option<(Date, i64)>, AppError> {
        let s = c.story;
        let investment = s.wan * WAN;
        // (stage, investment submitted, investment approved): each review trims the amount a little.
        let path = if s.path == Path::Merged {
            vec![("implementation_plan", investment, cut(investment, 96))]
        } else {
            let proposal = cut(investment, 98);
            let feasibility = cut(proposal, 97);
            vec![
                ("proposal", investment, proposal),
                ("feasibility_study", proposal, feasibility),
                ("preliminary_design", feasibility, cut(feasibility, 98)),
            ]
        };
        let mut on = start;
        for (k, (stage, submitted, approved)) in path.iter().enumerate() {
            if k == 0 && s.has(Twist::ReturnedOnce) {
                self.stage(c, on, stage, *submitted, *approved, Some(Point::Returned));
                on = plus(on, 70);
            }
            let stop = match s.reach {
                Reach::Reviewing(n, point) if usize::from(n) == k => Some(point),
                _ => None,
            };
            self.stage(c, on, stage, *submitted, *approved, stop);
            if stop.is_some() {
                return Ok(None);
            }
            on = plus(on, 45);
            if k + 1 < path.len() {
                on = plus(on, 25 + spread(c.i, 10 + k as u64, 20));
            }
        }
        let estimate = path.last().map_or(investment, |p| p.2);
        if estimate < self.params(&c.jurisdiction, on)?.government_approval_threshold.yuan() {
            return Ok(Some((on, estimate)));
        }
        if s.reach == Reach::AwaitingGovernment {
            return Ok(None);
        }
        let on = plus(on, 25);
        self.act(c, on, &self.government.clone(), "government_approve", json!({}));
        Ok(Some((on, estimate)))
    }

    /// One stage [10]–[16]: submitted, commissioned, evaluated, approved — or stopped at `stop`.
    fn stage(&mut self, c: &Cast, on: Date, stage: &str, submitted: i64, approved: i64, stop: Option<Point>) {
        let builds: &[&str] = if c.story.has(Twist::OwnPlatform) { &["own_gis"] } else { &[] };
        let preparer = if stage == "proposal" { "consulting_credit" } else { "design_qualification" };
        let submission = json!({
            "stage": stage, "investment": submitted, "documents": DOCUMENTS, "preparer": preparer,
            "design_depth_sufficient": stage == "implementation_plan", "builds": builds,
        });
        self.act(c, on, &c.owner, "submit_stage", submission);
        if stop == Some(Point::Submitted) {
            return;
        }
        let firm = c.consultant.organization.as_str();
        self.act(c, plus(on, 6), &c.approver, "commission_review", json!({"consultant": firm}));
        if stop == Some(Point::Commissioned) {
            return;
        }
        let evaluation = json!({"opinions": OPINIONS, "recommended_investment": approved});
        self.act(c, plus(on, 30), &c.consultant, "submit_evaluation", evaluation);
        match stop {
            Some(Point::Evaluated) => {}
            Some(Point::Returned) => {
                let reason = "投资估算依据不充分,信息资源共享分析篇内容不完整,请补充完善后重新报送";
                self.act(c, plus(on, 38), &c.approver, "return_stage", json!({"reason": reason}));
            }
            _ => {
                let approval = json!({"approved_investment": approved, "opinions": OPINIONS});
                self.act(c, plus(on, 45), &c.approver, "approve_stage", approval);
            }
        }
    }

    /// Construction [17]–[20] and supervision [25]; the completion date, if the story gets there, and the funds
    /// released beyond the contracts signed (the surplus at acceptance [18]).
    pub(super) fn build(&mut self, c: &Cast, cleared: Date, estimate: i64) -> Result<Option<(Date, i64)>, AppError> {
        let (s, i, today) = (c.story, c.i, self.today);
        let mut team = json!({"agency": format!("{}信息化建设专班", s.owner), "leader": LEADERS[i % LEADERS.len()]});
        // [17] most engage a supervision unit; every seventh does not, and its reports' claim of one is noted.
        if i % 7 != 3 {
            team["supervisor"] = json!(SUPERVISORS[i % SUPERVISORS.len()]);
        }
        self.act(c, plus(cleared, 10), &c.owner, "appoint_team", team);
        // [9] a school's or hospital's own project, approved by its industry authority, is filed with the bureau
        // before construction starts.
        if c.industry_authority.is_some() {
            self.act(c, plus(cleared, 15), &c.owner, "file_record", json!({}));
        }
        let start = plus(cleared, 30 + spread(i, 6, 30));
        self.act(c, start, &c.owner, "start_construction", json!({}));
        let window = self.params(&c.jurisdiction, today)?.acceptance_window_months;
        let completed = match s.reach {
            Reach::Building => None,
            Reach::Completed if s.has(Twist::DueSoon) => Some(months_before(plus(today, 20), window)),
            Reach::Completed if s.has(Twist::Overdue) => Some(months_before(plus(today, -40), window)),
            _ => Some(plus(start, build_days(s.wan) + spread(i, 7, 60))),
        };
        let (suspended, terminated) = self.supervise(c, start)?;
        let end = completed.or(terminated).unwrap_or(today);
        let funds_end = suspended.map_or(end, |d| d.min(end));
        let procurement = if estimate >= 400 * WAN { "public_tender" } else { "competitive_consultation" };
        let mut surplus = 0;
        for (day, contract, share, how) in [(15, "建设合同", 55, procurement), (40, "监理服务合同", 4, "inquiry")]
        {
            let contract = format!("{}{contract}", c.name);
            let with = json!({"contract": contract, "amount": cut(estimate, share), "procurement": how});
            if plus(start, day) < end {
                self.act(c, plus(start, day), &c.owner, "sign_contract", with);
                surplus -= cut(estimate, share);
            }
        }
        for (day, share) in [(25, 40), (210, 25)] {
            let with = json!({"purpose": "construction", "amount": cut(estimate, share)});
            if plus(start, day) < funds_end {
                self.act(c, plus(start, day), &self.finance.clone(), "release_funds", with);
                surplus += cut(estimate, share);
            }
        }
        let span = (end - start).num_days();
        for (twist, at, share, reason) in [
            (Twist::SelfAdjust, span / 2, 8, "technical_optimization"),
            (Twist::Reapproval, span * 2 / 3, 22, "business_development"),
        ] {
            if s.has(twist) {
                let with = json!({"amount": cut(estimate, share), "reason": reason});
                self.act(c, plus(start, at), &c.owner, "request_adjustment", with);
            }
        }
        // [19] a change beyond the tolerance is re-approved before the project can be completed; one still
        // building keeps it pending, on its approver's 工作台.
        if s.has(Twist::Reapproval) && completed.is_some() {
            let on = plus(start, span * 2 / 3 + (span - span * 2 / 3) / 2);
            if i.is_multiple_of(2) {
                self.act(c, on, &c.approver, "approve_adjustment", json!({"approved_investment": estimate}));
            } else {
                let reason = "调整内容超出原批复的建设目标,请按原批复实施";
                self.act(c, on, &c.approver, "reject_adjustment", json!({"reason": reason}));
            }
        }
        // [20] a report for every year the project is under construction on the due day, except those the
        // story leaves out; this year's is not due yet.
        for year in start.year()..=end.year() {
            let due = self.params(&c.jurisdiction, start.max(ymd(year, 1, 1)))?.annual_report_due.in_year(year);
            if due >= end || due >= today || s.has(Twist::NoReport(year)) {
                continue;
            }
            let with = json!({"year": year, "opinions_from": ["user_units", "supervisor"]});
            self.act(c, plus(start, 1).max(plus(due, -13)), &c.owner, "submit_annual_report", with);
        }
        if let Some(on) = completed {
            self.act(c, on, &c.owner, "complete_construction", json!({}));
        }
        // [20] the owner's own rating of a project still building, ten days ago; every fifth owner gave the
        // same one eight months before and never changed it (自评久未更新, where a factor worsened since).
        // Owners rate green: beside a computed red, 自评偏乐观.
        if completed.is_none() && terminated.is_none() {
            let note = json!({"level": "green", "note": "项目按计划推进,无重大问题"});
            if i.is_multiple_of(5) && start < plus(today, -250) {
                self.act(c, plus(today, -240), &c.owner, "report_rating", note.clone());
            }
            self.act(c, plus(today, -10), &c.owner, "report_rating", note);
        }
        Ok(completed.map(|on| (on, surplus)))
    }

    /// [25] a rectification and what follows it; the days the project was suspended and terminated, if so.
    fn supervise(&mut self, c: &Cast, start: Date) -> Result<(Option<Date>, Option<Date>), AppError> {
        use Twist::*;
        let Some(twist) = c.story.supervision() else { return Ok((None, None)) };
        let (i, today) = (c.i, self.today);
        let (role, org, area, finding) = SUPERVISION[i % SUPERVISION.len()];
        let ordered = match twist {
            Rectified => plus(start, 90 + spread(i, 8, 60)),
            RectifyDueSoon => plus(today, -18),
            RectifyOverdue => plus(today, -75),
            _ => plus(start, 60).max(plus(today, -(120 + spread(i, 9, 80)))),
        };
        let due = match twist {
            RectifyDueSoon => plus(today, 12),
            RectifyOverdue => plus(today, -30),
            Rectified => plus(ordered, 45),
            _ => plus(ordered, 30),
        };
        let supervisor = actor(role, org)?;
        let with = json!({"area": area, "finding": finding, "due": due.to_string()});
        self.act(c, ordered, &supervisor, "order_rectification", with);
        let measure = |m: &str| json!({"measure": m});
        let (mut suspended, mut terminated) = (None, None);
        match twist {
            Rectified => {
                self.act(c, plus(ordered, 25), &c.owner, "report_rectified", json!({}));
                // [25] the department that ordered it verifies the report.
                self.act(c, plus(ordered, 32), &supervisor, "verify_rectification", json!({"result": "passed"}));
            }
            Criticised => self.act(c, plus(due, 15), &c.enforcer, "impose_measure", measure("public_criticism")),
            Suspended | Resumed | Terminated => {
                self.act(c, plus(due, 10), &c.enforcer, "impose_measure", measure("public_criticism"));
                suspended = Some(plus(due, 15));
                self.act(c, plus(due, 15), &c.enforcer, "impose_measure", measure("suspend_construction"));
            }
            _ => {}
        }
        // [25] red cards an owner considers wrong: the overdue order's dispute awaits the decision on the
        // 工作台; the criticised one's was upheld by the one who imposes measures.
        let dispute = |reason: &str| json!({"deadline": "rectification", "reason": reason});
        if twist == RectifyOverdue {
            self.act(c, plus(today, -6), &c.owner, "dispute_card", dispute("整改已基本完成,待部门核查后报告"));
        }
        if twist == Criticised {
            self.act(c, plus(due, 20), &c.owner, "dispute_card", dispute("整改期限内已口头报告整改情况"));
            let with = json!({"deadline": "rectification", "outcome": "upheld", "note": "未见书面整改报告,警示牌维持"});
            self.act(c, plus(due, 25), &c.enforcer, "resolve_card_dispute", with);
        }
        if twist == Resumed {
            self.act(c, plus(due, 45), &c.owner, "report_rectified", json!({}));
            self.act(c, plus(due, 50), &c.enforcer, "lift_suspension", json!({}));
        }
        if twist == Terminated {
            terminated = Some(plus(due, 60));
            self.act(c, plus(due, 60), &c.enforcer, "impose_measure", measure("terminate"));
        }
        Ok((suspended, terminated))
    }

    /// Acceptance [21][27], operation, the periodic cryptography assessment [26] and self-evaluation [22].
    pub(super) fn accept_and_operate(&mut self, c: &Cast, completed: Date, surplus: i64) -> Result<(), AppError> {
        let (s, today) = (c.story, self.today);
        let recorded = if s.reach == Reach::Completed { 2 } else { ASSESSMENTS.len() };
        for (kind, day) in ASSESSMENTS.iter().take(recorded) {
            self.act(c, plus(completed, *day), &c.owner, "record_assessment", json!({"kind": kind}));
        }
        if s.reach == Reach::Completed {
            return Ok(());
        }
        self.act(c, plus(completed, 70), &self.bureau.clone(), "confirm_ready_for_acceptance", json!({}));
        let params = self.params(&c.jurisdiction, completed)?;
        let due = add_months(completed, params.acceptance_window_months);
        let accepted = if s.has(Twist::Late) { plus(due, 20) } else { plus(completed, 85) };
        self.act(c, accepted, &c.owner, "accept", json!({"reviewed": REVIEWED}));
        self.act(c, plus(accepted, 7), &c.owner, "file_acceptance", json!({}));
        self.act(c, plus(accepted, 12), &c.owner, "register_assets", json!({}));
        // [18] most owners return the surplus soon after acceptance; every third still shows it.
        if surplus > 0 && !c.i.is_multiple_of(3) {
            self.act(c, plus(accepted, 15), &c.owner, "return_surplus", json!({"amount": surplus}));
        }
        if s.reach == Reach::Accepted {
            return Ok(());
        }
        let (from, to) = params.self_evaluation_window_months;
        let operating = if s.has(Twist::DueSoon) {
            plus(months_before(today, to), 20)
        } else if s.has(Twist::Overdue) {
            plus(months_before(today, to), -45)
        } else {
            plus(accepted, 20)
        };
        self.act(c, operating, &c.owner, "start_operation", json!({}));
        if !s.has(Twist::NoCrypto) {
            // A month before each assessment falls due, so that none is overdue.
            let every = params.cryptography_assessment_interval_months.saturating_sub(1).max(1);
            let assessments = (1..).map(|k| add_months(operating, every * k)).take_while(|on| *on < today);
            for on in assessments.collect::<Vec<_>>() {
                self.act(c, on, &c.owner, "record_assessment", json!({"kind": "cryptography_assessment"}));
            }
        }
        if s.has(Twist::SelfEval) {
            let on = add_months(operating, from + 1);
            self.act(c, on, &c.owner, "submit_self_evaluation", json!({}));
            if s.has(Twist::PostEval) {
                let with = json!({"consultant": c.consultant.organization.as_str()});
                self.act(c, plus(on, 40), &self.bureau.clone(), "commission_post_evaluation", with);
            }
        }
        Ok(())
    }
}
