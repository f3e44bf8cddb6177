//! 审计日志: what the 审计管理员 reads — who logged in, who opened, changed or granted which account, and who
//! took each decision. Read-only; the chain and its signed checkpoints are verified with `govit audit verify`.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use govit_app::describe::describe;

/// How many of the newest records of each kind the page shows.
const SHOWN: i64 = 300;

struct SecurityRow {
    seq: i64,
    at: String,
    what: &'static str,
    account: String,
    by: String,
    detail: String,
}

struct DecisionRow {
    seq: i64,
    on: String,
    by: String,
    what: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    layout: Layout,
    security: Vec<SecurityRow>,
    decisions: Vec<DecisionRow>,
}

/// The Chinese name of a security event's kind.
fn kind_label(kind: &str) -> &'static str {
    match kind {
        "login_succeeded" => "登录成功",
        "login_failed" => "登录失败",
        "account_locked" => "暂停登录",
        "logout" => "退出登录",
        "password_changed" => "修改密码",
        "password_change_failed" => "修改密码失败",
        "user_created" => "开通账号",
        "user_changed" => "变更账号",
        "roles_granted" => "授予角色",
        "roles_refused" => "授予角色被拒",
        "administration_refused" => "越权管理被拒",
        "audit_log_read" => "查阅审计日志",
        "organization_created" => "新建单位",
        "policies_loaded" => "加载实施细则",
        "second_factor_enabled" => "启用动态口令",
        "second_factor_failed" => "动态口令错误",
        "second_factor_removed" => "移除动态口令",
        "reminder_sent" => "发送提醒",
        "digest_sent" => "发送逾期摘要",
        _ => "其他安全事件",
    }
}

pub(super) async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let log = state.app.audit_log(&user.session.actor, SHOWN).await?;
    let nobody = "—(未登录或系统)".to_owned();
    let security = log
        .security
        .into_iter()
        .map(|(seq, at, r)| SecurityRow {
            seq,
            at: chrono::DateTime::parse_from_rfc3339(&at).map_or(at, |t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
            what: kind_label(&r.kind),
            by: r.by.as_ref().map_or_else(|| nobody.clone(), ToString::to_string),
            account: r.username,
            detail: r.detail,
        })
        .collect();
    let decisions = log
        .decisions
        .into_iter()
        .map(|e| DecisionRow {
            seq: e.seq,
            on: e.record.on.to_string(),
            by: e.record.actor.to_string(),
            what: describe(&e.record.event),
        })
        .collect();
    Ok(render(&AuditPage {
        layout: Layout::new(&user, "审计日志", "/admin/audit", state.app.clock().today()),
        security,
        decisions,
    }))
}
