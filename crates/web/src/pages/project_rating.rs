//! 健康评级 on the project page: the computed rating factor by factor, the owner's own beside it [20], the
//! flags a supervisor looks for, and the monthly history as a chart with its table.

use super::dashboard::embed;
use govit_app::ProjectView;
use govit_app::rating::RatingPoint;
use govit_rules::notice::Article;
use serde_json::json;

pub(super) struct FactorRow {
    pub(super) group: &'static str,
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) weight: u32,
    pub(super) score: u8,
    pub(super) value: String,
    pub(super) articles: String,
}

pub(super) struct SelfRow {
    pub(super) on: String,
    pub(super) level: &'static str,
    pub(super) label: &'static str,
    pub(super) note: String,
    /// The computed rating of that day.
    pub(super) computed: String,
}

pub(super) struct RatingCard {
    pub(super) level: &'static str,
    pub(super) label: &'static str,
    pub(super) score: u8,
    pub(super) factors: Vec<FactorRow>,
    pub(super) own: Option<SelfRow>,
    pub(super) optimistic: bool,
    pub(super) stale: bool,
    pub(super) history: Vec<RatingPoint>,
    /// The ECharts option of the history, embedded as JSON.
    pub(super) chart: String,
}

impl RatingCard {
    pub(super) fn of(view: &ProjectView, history: Vec<RatingPoint>) -> RatingCard {
        let r = &view.rating;
        let factors = r
            .factors
            .iter()
            .map(|f| FactorRow {
                group: f.group.label(),
                key: f.key,
                label: f.label,
                weight: f.weight,
                score: f.score,
                value: f.value.clone(),
                articles: f.articles.iter().map(|a| Article(*a).to_string()).collect::<Vec<_>>().join("、"),
            })
            .collect();
        let own = view.project.self_ratings.last().map(|s| SelfRow {
            on: s.on.to_string(),
            level: s.level.code(),
            label: s.level.label(),
            note: s.note.as_ref().map(ToString::to_string).unwrap_or_default(),
            computed: format!("{} {}分", s.computed.label(), s.computed_score),
        });
        let months: Vec<&str> = history.iter().map(|p| p.month.as_str()).collect();
        let scores: Vec<u8> = history.iter().map(|p| p.score).collect();
        let option = json!({
            "animation": false,
            "tooltip": { "trigger": "axis" },
            "grid": { "left": 40, "right": 16, "top": 24, "bottom": 40 },
            "xAxis": { "type": "category", "data": months },
            "yAxis": { "type": "value", "min": 1, "max": 5, "interval": 1, "name": "评分" },
            "series": [{ "type": "line", "name": "系统评级", "step": "end", "data": scores }],
        });
        RatingCard {
            level: r.level.code(),
            label: r.level.label(),
            score: r.score,
            factors,
            own,
            optimistic: view.rating_optimistic,
            stale: view.rating_stale,
            history,
            chart: embed(&option),
        }
    }
}
