//! What every page shows around its content, and the few formatting rules all pages share.

use crate::session::CurrentUser;
use askama::Template;
use govit_rules::authz::oversees;
use govit_rules::{Money, Role};

/// One link of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// A role the user can switch to.
#[derive(Debug, Clone)]
pub struct RoleChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The frame of every logged-in page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub organization: String,
    pub role_label: &'static str,
    pub roles: Vec<RoleChoice>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub today: String,
}

impl Layout {
    pub fn new(user: &CurrentUser, title: impl Into<String>, path: &str, today: govit_rules::Date) -> Layout {
        let s = &user.session;
        let role = s.role;
        let mut nav = vec![("/", "工作台")];
        let admin = role.administers();
        if !admin {
            nav.push(("/projects", "项目库"));
        }
        if role == Role::Owner {
            nav.push(("/projects/new", "登记项目"));
        }
        if !admin && role != Role::Consultant {
            nav.push(("/plans", "年度计划"));
        }
        if oversees(role) || role == Role::Owner {
            nav.push(("/supervision", "监督整改"));
        }
        if oversees(role) {
            nav.push(("/alerts", "预警"));
        }
        if govit_app::App::may_read_rankings(role) {
            nav.push(("/rankings", "电子监察排名"));
        }
        if !admin {
            nav.push(("/dashboard", "数据看板"));
        }
        if matches!(role, Role::SystemAdmin | Role::SecurityAdmin) {
            nav.push(("/admin/users", "用户管理"));
        }
        if role == Role::SystemAdmin {
            nav.push(("/admin/organizations", "单位管理"));
        }
        if role == Role::AuditAdmin {
            nav.push(("/admin/audit", "审计日志"));
        }
        nav.push(("/policies", "实施细则"));
        nav.push(("/api/v1/docs", "接口文档"));
        let nav = nav.into_iter().map(|(href, label)| NavItem { href, label, active: is_active(href, path) }).collect();
        Layout {
            title: title.into(),
            user_name: s.user.display_name.clone(),
            organization: s.organization.name.clone(),
            role_label: role.label(),
            roles: s
                .roles
                .iter()
                .map(|r| RoleChoice { code: r.code(), label: r.label(), selected: *r == role })
                .collect(),
            csrf: s.csrf.clone(),
            nav,
            today: today.to_string(),
        }
    }
}

/// Whether a navigation link is the current section: its own page, or a page beneath it ("/projects/登记"
/// has a link of its own, so it does not light up 项目库).
fn is_active(href: &str, path: &str) -> bool {
    path == href
        || (href != "/" && path.starts_with(&format!("{href}/")) && !(href == "/projects" && path == "/projects/new"))
}

pub use govit_app::describe::wan;

/// An optional amount, or a dash.
pub fn wan_or_dash(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_owned(), wan)
}

/// A page for an error, with no layout (the user may not be logged in).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_in_wan_with_two_decimals() {
        assert_eq!(wan(Money::from_yuan(1_200_000).unwrap()), "120.00万元");
        assert_eq!(wan(Money::from_yuan(499_999).unwrap()), "50.00万元");
        assert_eq!(wan(Money::from_yuan(12_345).unwrap()), "1.23万元");
        assert_eq!(wan(Money::from_yuan(0).unwrap()), "0.00万元");
    }
}

/// A cited article with its text, for refusals and warnings.
#[derive(Debug, Clone)]
pub struct Cited {
    pub heading: String,
    pub text: String,
}

/// A refusal's or warning's reason as a page shows it.
#[derive(Debug, Clone)]
pub struct ReasonView {
    pub message: String,
    pub articles: Vec<Cited>,
}

/// What became of an action, for the notice at the top of a page.
#[derive(Debug, Clone)]
pub struct OutcomeView {
    /// `ok`, `warned`, `refused`, `forbidden`; `confirm` for what an act would do, before it is confirmed.
    pub kind: &'static str,
    pub title: String,
    pub reasons: Vec<ReasonView>,
}

fn cite(articles: &[govit_rules::Article]) -> Vec<Cited> {
    articles
        .iter()
        .map(|a| Cited {
            heading: a.to_string(),
            text: govit_rules::regulation::article(a.0).map(|x| x.text.to_owned()).unwrap_or_default(),
        })
        .collect()
}

/// The notices' reasons, each with its articles' text quoted.
pub fn reasons(notices: &[govit_rules::Notice]) -> Vec<ReasonView> {
    notices.iter().map(|n| ReasonView { message: n.message.clone(), articles: cite(&n.articles) }).collect()
}

impl OutcomeView {
    /// [7] what a proposal's route becomes at a new amount, shown before the reviewer confirms it.
    pub fn rejudged(
        project: &govit_rules::Project,
        investment: govit_rules::Money,
        after: &govit_rules::event::Rejudged,
    ) -> OutcomeView {
        let government =
            |required: bool| if required { "须报市人民政府批准" } else { "无须报市人民政府批准" };
        let message = format!(
            "投资由{}调整为{}:管理路径{}(原为{}),审批部门{}(原为{}),{}(原为{})。",
            wan(project.investment),
            wan(investment),
            after.route.label(),
            project.route.label(),
            after.approver.label(),
            project.approver.label(),
            government(after.government_approval_required),
            government(project.government_approval_required),
        );
        OutcomeView {
            kind: "confirm",
            title: "请确认:按当日政策重新判断的结果如下,确认后办理".to_owned(),
            reasons: vec![ReasonView { message, articles: cite(&[7, 8, 15].map(govit_rules::Article)) }],
        }
    }

    pub fn of(action: govit_rules::command::Action, executed: &govit_app::Executed) -> OutcomeView {
        use govit_app::Executed;
        use govit_rules::Rejection;
        match executed {
            Executed::Done { warnings, .. } if warnings.is_empty() => {
                OutcomeView { kind: "ok", title: format!("已办理:{}", action.label()), reasons: Vec::new() }
            }
            Executed::Done { warnings, .. } => OutcomeView {
                kind: "warned",
                title: format!("已办理:{}。请注意以下提示:", action.label()),
                reasons: reasons(warnings),
            },
            Executed::Rejected { rejection: Rejection::Refused(r) } => OutcomeView {
                kind: "refused",
                title: format!("依据《办法》,不予办理:{}", action.label()),
                reasons: reasons(&r.reasons),
            },
            Executed::Rejected { rejection: Rejection::Forbidden(f) } => OutcomeView {
                kind: "forbidden",
                title: "无权办理".to_owned(),
                reasons: vec![ReasonView { message: f.message.clone(), articles: Vec::new() }],
            },
        }
    }
}
