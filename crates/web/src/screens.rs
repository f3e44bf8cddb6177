//! Where a person meets each article: the form of every action and the pages and API routes that show what
//! an article asks for. The article trail (`docs/ARTICLES.md`) is generated from this table, and its test
//! checks that every path here is one the routers serve.

use govit_rules::Action;

/// A page or API route that shows what some articles ask for, besides the forms of their actions.
#[derive(Debug)]
pub struct Screen {
    /// The Chinese name a person knows the screen by.
    pub title: &'static str,
    /// `GET` path of the page or the API route, with `{id}` style placeholders as routed.
    pub path: &'static str,
    pub articles: &'static [u8],
}

const fn screen(title: &'static str, path: &'static str, articles: &'static [u8]) -> Screen {
    Screen { title, path, articles }
}

/// The pages, then the API routes (under `/api/v1`), in the order of the menu.
pub const SCREENS: &[Screen] = &[
    screen("工作台", "/", &[20, 21, 22, 25, 26]),
    screen("项目详情", "/projects/{id}", &[8, 9, 14, 15, 18, 19, 20, 21, 22, 25, 26]),
    screen("批复、备案回执", "/projects/{id}/paper/{seq}", &[8, 13, 16]),
    screen("年度计划", "/plans", &[6, 7, 23]),
    screen("导入申报表", "/plans/import", &[2, 7]),
    screen("监督整改", "/supervision", &[24, 25]),
    screen("预警", "/alerts", &[20, 21, 22, 25, 26]),
    screen("实施细则", "/policies", &[29, 30]),
    screen("项目详情(API)", "/api/v1/projects/{id}", &[8, 9, 14, 15, 18, 19, 20, 21, 22, 25, 26]),
    screen("年度计划(API)", "/api/v1/plans/{jurisdiction}/{year}", &[6, 7, 23]),
    screen("实施细则(API)", "/api/v1/policies", &[29, 30]),
    screen("批复、备案回执(API)", "/api/v1/projects/{id}/papers/{seq}", &[8, 13, 16]),
];

/// The page where a person does `action`: the registration form, the plan page's buttons, or the form every
/// other action has on its project. Every action is also one `POST /api/v1/commands` `{do, with}` away.
pub fn action_page(action: Action) -> &'static str {
    match action {
        Action::RegisterProject => "/projects/new",
        Action::ReviewPlan | Action::ApprovePlan => "/plans/act/{action}",
        _ => "/projects/{id}/act/{action}",
    }
}

/// The API route every action goes through.
pub const COMMAND_ROUTE: &str = "/api/v1/commands";
