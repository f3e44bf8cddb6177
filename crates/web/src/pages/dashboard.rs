//! 数据看板: investment by department and category, projects by status, the funnel plan → approval →
//! construction → acceptance → operation, overdue by department, the yearly trend. ECharts draws each chart
//! from a JSON block on the page (data, not script: the CSP stays strict); `/api/v1/dashboard` serves the
//! same figures.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::{Layout, wan};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use govit_app::stats::{Dashboard, Figure};
use govit_rules::Money;
use serde_json::{Value, json};

/// 万元 with two decimals as a JSON number, made from integer yuan without float arithmetic.
pub(crate) fn wan_number(m: Money) -> Value {
    let hundreds = (m.yuan() + 50) / 100;
    serde_json::from_str(&format!("{}.{:02}", hundreds / 100, hundreds % 100)).unwrap_or(Value::Null)
}

/// JSON safe to place inside `<script type="application/json">`.
pub(super) fn embed(option: &Value) -> String {
    option.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

fn labels(figures: &[Figure]) -> Vec<&str> {
    figures.iter().map(|f| f.label.as_str()).collect()
}

pub(super) fn bar(
    title: &str,
    figures: &[Figure],
    value: impl Fn(&Figure) -> Value,
    unit: &str,
    horizontal: bool,
) -> Value {
    let values: Vec<Value> = figures.iter().map(value).collect();
    let (category_axis, value_axis) = (
        json!({ "type": "category", "data": labels(figures), "axisLabel": { "interval": 0 } }),
        json!({ "type": "value", "name": unit }),
    );
    let (x, y) = if horizontal { (value_axis, category_axis) } else { (category_axis, value_axis) };
    json!({
        "title": { "text": title, "left": "center", "textStyle": { "fontSize": 14 } },
        "tooltip": { "trigger": "axis" },
        "grid": { "left": if horizontal { 150 } else { 50 }, "right": 30, "top": 40, "bottom": 40 },
        "xAxis": x, "yAxis": y,
        "series": [{ "type": "bar", "data": values, "itemStyle": { "color": "#1e3a66" } }]
    })
}

/// The six chart options, by element id.
pub(crate) fn charts(d: &Dashboard) -> Vec<(&'static str, &'static str, Value)> {
    let top: Vec<Figure> = d.by_department.iter().take(15).rev().cloned().collect();
    let overdue: Vec<Figure> = d.overdue_by_department.iter().take(15).rev().cloned().collect();
    let red: Vec<Figure> = d.red_cards_by_unit.iter().take(15).rev().cloned().collect();
    let pie: Vec<Value> =
        d.by_category.iter().map(|f| json!({ "name": f.label, "value": wan_number(f.investment) })).collect();
    let funnel: Vec<Value> = d.funnel.iter().map(|f| json!({ "name": f.label, "value": f.projects })).collect();
    vec![
        (
            "chart-department",
            "各部门投资(万元,前15)",
            bar("各部门投资", &top, |f| wan_number(f.investment), "万元", true),
        ),
        (
            "chart-category",
            "项目类别投资(万元)",
            json!({
                "title": { "text": "项目类别投资", "left": "center", "textStyle": { "fontSize": 14 } },
                "tooltip": { "trigger": "item", "formatter": "{b}: {c}万元 ({d}%)" },
                "series": [{ "type": "pie", "radius": ["35%", "65%"], "data": pie }]
            }),
        ),
        ("chart-status", "项目状态(个)", bar("项目状态", &d.by_status, |f| json!(f.projects), "个", false)),
        (
            "chart-funnel",
            "计划 → 审批 → 建设 → 验收 → 运行(个)",
            json!({
                "title": { "text": "项目推进漏斗", "left": "center", "textStyle": { "fontSize": 14 } },
                "tooltip": { "trigger": "item", "formatter": "{b}: {c}个" },
                "series": [{ "type": "funnel", "sort": "descending", "top": 40, "data": funnel, "label": { "formatter": "{b} {c}" } }]
            }),
        ),
        ("chart-overdue", "各部门有逾期事项的项目(个)", bar("逾期项目", &overdue, |f| json!(f.projects), "个", true)),
        (
            "chart-red-cards",
            "电子监察:各建设单位亮红牌的项目(个,当前;月度排名见“电子监察排名”)",
            bar("亮红牌项目", &red, |f| json!(f.projects), "个", true),
        ),
        (
            "chart-trend",
            "年度趋势",
            json!({
                "title": { "text": "年度登记项目与投资", "left": "center", "textStyle": { "fontSize": 14 } },
                "tooltip": { "trigger": "axis" },
                "legend": { "top": 24 },
                "grid": { "left": 60, "right": 60, "top": 60, "bottom": 30 },
                "xAxis": { "type": "category", "data": labels(&d.by_year) },
                "yAxis": [{ "type": "value", "name": "个" }, { "type": "value", "name": "万元" }],
                "series": [
                    { "name": "项目数", "type": "bar", "data": d.by_year.iter().map(|f| f.projects).collect::<Vec<_>>() },
                    { "name": "投资(万元)", "type": "line", "yAxisIndex": 1, "data": d.by_year.iter().map(|f| wan_number(f.investment)).collect::<Vec<_>>() }
                ]
            }),
        ),
    ]
}

struct Chart {
    id: &'static str,
    title: &'static str,
    json: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    projects: usize,
    investment: String,
    overdue: usize,
    operating: usize,
    charts: Vec<Chart>,
}

pub(super) async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let d = state.app.dashboard(&user.session.actor, today).await?;
    let overdue = d.overdue_by_department.iter().map(|f| f.projects).sum();
    let operating = d.funnel.last().map_or(0, |f| f.projects);
    let charts = charts(&d).into_iter().map(|(id, title, option)| Chart { id, title, json: embed(&option) }).collect();
    Ok(render(&DashboardPage {
        layout: Layout::new(&user, "数据看板", "/dashboard", today),
        projects: d.projects,
        investment: wan(d.investment),
        overdue,
        operating,
        charts,
    }))
}
