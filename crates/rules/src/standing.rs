//! How an owner organisation stands across all its projects: what [23] shows when its next proposals are
//! reviewed, and what [25]'s deferral of the annual plan withholds from it. And how a project stands in the
//! annual plan of its year [7]: one answer for the plan page, the plan sheet and any other view.

use crate::date::Date;
use crate::ids::ProjectId;
use crate::state::{Plan, Project, Rectification, RectificationState};
use crate::vocab::{Measure, PlanStatus, Status, SupplementaryReason};
use chrono::Datelike;

/// The facts of one owner organisation that decide its proposals: deferrals imposed on any of its projects,
/// and its projects with a failed or overdue rectification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerStanding {
    /// Each `defer_annual_plan` imposed on one of the organisation's projects: the project and the date.
    pub deferrals: Vec<(ProjectId, Date)>,
    /// The organisation's projects with a rectification found falling short and not reported again, or open
    /// past its due date, on the day asked.
    pub troubled: Vec<ProjectId>,
}

/// What an owner's standing reads of one of its projects: the measures and rectifications. Read from a stored
/// project state, the rest of the state is skipped, not built: a proposal of a large owner reads hundreds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Watched {
    pub id: ProjectId,
    pub rectifications: Vec<Rectification>,
    pub measures: Vec<(Measure, Date)>,
}

impl OwnerStanding {
    /// The standing on `on` of the organisation that owns `projects` (all of them, the one acted on included).
    pub fn of<'a>(projects: impl IntoIterator<Item = &'a Project>, on: Date) -> OwnerStanding {
        OwnerStanding::from_parts(projects.into_iter().map(|p| (&p.id, &p.measures[..], &p.rectifications[..])), on)
    }

    /// [`OwnerStanding::of`] from what was read of the projects with measures or rectifications.
    pub fn of_watched<'a>(projects: impl IntoIterator<Item = &'a Watched>, on: Date) -> OwnerStanding {
        OwnerStanding::from_parts(projects.into_iter().map(|p| (&p.id, &p.measures[..], &p.rectifications[..])), on)
    }

    fn from_parts<'a>(
        projects: impl Iterator<Item = (&'a ProjectId, &'a [(Measure, Date)], &'a [Rectification])>,
        on: Date,
    ) -> OwnerStanding {
        let mut standing = OwnerStanding::default();
        for (id, measures, rectifications) in projects {
            for (measure, imposed_on) in measures {
                if *measure == Measure::DeferAnnualPlan {
                    standing.deferrals.push((id.clone(), *imposed_on));
                }
            }
            let troubled = rectifications.iter().any(|r| r.state() == RectificationState::Failed || r.is_overdue(on));
            if troubled {
                standing.troubled.push(id.clone());
            }
        }
        standing
    }

    /// [25] "暂缓安排政务信息化项目年度实施计划": a deferral imposed in year Y withholds the plans of Y and Y+1.
    /// Returns the deferral that withholds `year`, if any.
    pub fn deferral_for(&self, year: i32) -> Option<&(ProjectId, Date)> {
        self.deferrals.iter().find(|(_, on)| (on.year()..=on.year().saturating_add(1)).contains(&year))
    }
}

/// How a project stands in one annual plan [7]: proposed and awaiting the review, kept by the review and
/// awaiting the approval, included, asked or approved for supplementary inclusion, or excluded at review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStanding {
    AwaitingReview,
    ReviewedIn,
    Included,
    SupplementaryRequested(SupplementaryReason),
    SupplementaryIncluded(SupplementaryReason),
    Excluded,
    /// Folded into another proposal of the plan [7]: built as part of it.
    Merged,
}

impl PlanStanding {
    /// How `project` stands in `plan`, if it is in it at all. A proposal that is no longer `proposed` (the
    /// project was terminated meanwhile) is not in the plan: the plan's approval would not take it [7].
    pub fn of(project: &Project, plan: &Plan) -> Option<PlanStanding> {
        let entry = project.plan.as_ref().filter(|e| e.year == plan.year && project.jurisdiction == plan.jurisdiction);
        let Some(entry) = entry else {
            return plan.excluded.contains(&project.id).then_some(PlanStanding::Excluded);
        };
        if project.status == Status::Merged {
            return Some(PlanStanding::Merged);
        }
        Some(match (entry.approved, entry.supplementary) {
            (true, None) => PlanStanding::Included,
            (true, Some(reason)) => PlanStanding::SupplementaryIncluded(reason),
            (false, Some(reason)) => PlanStanding::SupplementaryRequested(reason),
            (false, None) if project.status != Status::Proposed => return None,
            (false, None) if plan.status == PlanStatus::Reviewed && plan.included.contains(&project.id) => {
                PlanStanding::ReviewedIn
            }
            (false, None) => PlanStanding::AwaitingReview,
        })
    }

    /// Every project of `projects` that stands in `plan`, with its standing, in the order given.
    pub fn in_plan<'a>(projects: &'a [Project], plan: &Plan) -> Vec<(&'a Project, PlanStanding)> {
        projects.iter().filter_map(|p| PlanStanding::of(p, plan).map(|s| (p, s))).collect()
    }

    /// The 列入情况 a person reads.
    pub fn label(self) -> String {
        match self {
            PlanStanding::AwaitingReview => "已申报(待论证)".to_owned(),
            PlanStanding::ReviewedIn => "已论证列入(待批准)".to_owned(),
            PlanStanding::Included => "已列入年度实施计划".to_owned(),
            PlanStanding::SupplementaryRequested(r) => format!("申请补充列入(待批准,{})", r.label()),
            PlanStanding::SupplementaryIncluded(r) => format!("补充列入(已批准,{})", r.label()),
            PlanStanding::Excluded => "论证时调减".to_owned(),
            PlanStanding::Merged => "已并入合并建设项目".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_deferral_withholds_the_year_it_was_imposed_and_the_next_but_not_the_one_after() {
        let id = ProjectId::parse("wuhan-2022-0001").unwrap();
        let standing = OwnerStanding { deferrals: vec![(id, date("2023-05-10"))], troubled: Vec::new() };
        assert!(standing.deferral_for(2022).is_none());
        assert!(standing.deferral_for(2023).is_some());
        assert!(standing.deferral_for(2024).is_some());
        assert!(standing.deferral_for(2025).is_none());
    }
}
