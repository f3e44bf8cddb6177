//! Which articles govern each action: the first column of the article trail (`docs/ARTICLES.md`, generated
//! from this table, the rules' own citations and the scenarios).
//!
//! The table is kept honest by the property test in `tests/properties.rs`: every article a decision on an
//! action cites, in a refusal or a warning, is one of the action's own or one of [`ANY_ACTION`].

use crate::command::Action;

/// Articles any action may cite, whatever it is: who may act [24] and where [29], the measures that stop a
/// project [25], a district's own rules [30], and the day the regulation took effect [31].
pub const ANY_ACTION: &[u8] = &[24, 25, 29, 30, 31];

impl Action {
    /// The articles that ask for this action or bound it, in order. A decision on the action cites these
    /// (or [`ANY_ACTION`]).
    pub fn articles(self) -> &'static [u8] {
        use Action::*;
        match self {
            // Scope [2][3][28], the route by amount and kind [8][9], and whether the government approves [15].
            RegisterProject => &[2, 3, 8, 9, 15, 28],
            // Proposals for the next year's plan [6][7], the unit's record of rectifications [23].
            ProposeForPlan => &[6, 7, 23],
            // The plan year [6] and how a plan is made and added to [7].
            ReviewPlan | ApprovePlan | RequestSupplementaryInclusion | ApproveSupplementaryInclusion => &[6, 7],
            // A task the reviewer puts into the plan [7]: a registration's articles as well.
            AssignProject => &[2, 3, 6, 7, 8, 9, 15, 28],
            // A proposal's amount changed [7], its route judged again [8][9][15], not below what is committed
            // [18]; merging serves [4].
            AdjustProposal => &[7, 8, 9, 15, 18],
            MergeProposals => &[4, 7, 8, 9, 15, 18],
            // The cyberspace office's and the commission's acts on an approved plan.
            FilePlanReview | IncludeInInvestmentPlan => &[24],
            // A filing: in the plan [7], under the threshold [8], the industry-authority route [9], what it builds [12].
            FileRecord => &[7, 8, 9, 12],
            // In the plan [7], the route [8][9], stage order [10], the preparer [11], shared infrastructure [12],
            // the documents [13], secure and reliable products [27].
            SubmitStage => &[7, 8, 9, 10, 11, 12, 13, 27],
            CommissionReview | ReturnStage => &[16],
            SubmitEvaluation => &[13, 16],
            // Opinions [13], the government's turn [15], the report [16], not below what is committed [18].
            ApproveStage => &[13, 15, 16, 18],
            GovernmentApprove => &[15],
            IssueTechnicalOpinion => &[9],
            ReleaseFunds => &[14, 18],
            AppointTeam => &[17],
            StartConstruction => &[9, 14, 17],
            SignContract => &[17, 18],
            RequestAdjustment | RejectAdjustment => &[18, 19],
            ApproveAdjustment => &[15, 18, 19],
            ReturnSurplus => &[18],
            // 电子监察 under the supervision of [25], on the deadlines of [20][21][22][25][26].
            IssueCards => &[20, 21, 22, 25, 26],
            DisputeCard | ResolveCardDispute => &[25],
            // The owner's own rating of the project, part of its yearly report [20].
            ReportRating => &[20],
            // A month's ranking under the supervision of [25], counting re-approvals [19].
            PublishRanking => &[19, 25],
            SubmitAnnualReport => &[20],
            CompleteConstruction => &[14, 19, 21],
            RecordAssessment => &[21, 26],
            ConfirmReadyForAcceptance | FileAcceptance => &[21],
            Accept => &[21, 27],
            RegisterAssets | StartOperation | SubmitSelfEvaluation | CommissionPostEvaluation => &[22],
            OrderRectification | ReportRectified | VerifyRectification | ImposeMeasure | LiftSuspension => &[25],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_governed_by_an_article_of_the_regulation() {
        for a in Action::ALL {
            assert!(!a.articles().is_empty(), "{a:?}");
            assert!(a.articles().iter().all(|n| crate::regulation::article(*n).is_some()), "{a:?}");
            assert!(a.articles().windows(2).all(|w| w[0] < w[1]), "{a:?} not in order");
        }
    }
}
