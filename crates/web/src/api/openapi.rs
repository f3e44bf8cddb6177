//! The OpenAPI 3.1 description of `/api/v1`, built from the same action table the forms use, so the
//! documented parameters of every command are the ones the server accepts.

use crate::forms::{Kind, fields};
use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use govit_rules::Year;
use govit_rules::command::Action;
use serde_json::{Map, Value, json};

fn kind_schema(kind: Kind) -> Value {
    match kind {
        Kind::Text | Kind::LongText => json!({ "type": "string", "minLength": 1 }),
        Kind::Money => json!({ "oneOf": [
            { "type": "integer", "minimum": 0, "description": "元" },
            { "type": "string", "pattern": "^[0-9][0-9,]*(\\.[0-9]{1,4})?万$|^[0-9][0-9,]*元?$", "description": "如 \"120万\"" }
        ] }),
        Kind::Date => json!({ "type": "string", "format": "date" }),
        Kind::Year => json!({ "type": "integer", "minimum": Year::MIN, "maximum": Year::MAX }),
        Kind::Bool(default) => json!({ "type": "boolean", "default": default }),
        Kind::Choice(options) => choice(options()),
        Kind::Multi(options) => json!({ "type": "array", "uniqueItems": true, "items": choice(options()) }),
    }
}

fn choice(options: Vec<(&'static str, &'static str)>) -> Value {
    let codes: Vec<&str> = options.iter().map(|(c, _)| *c).collect();
    let described: Vec<String> = options.iter().map(|(c, l)| format!("`{c}` {l}")).collect();
    json!({ "type": "string", "enum": codes, "description": described.join(";") })
}

/// The `with` object of one action.
fn with_schema(action: Action) -> Value {
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    match action {
        Action::RegisterProject => {
            properties.insert(
                "owner".into(),
                json!({ "type": "object", "description": "缺省为当前用户所在单位", "required": ["name", "kind"], "additionalProperties": false, "properties": {
                    "name": { "type": "string" }, "kind": kind_schema(Kind::Choice(|| govit_rules::vocab::OwnerKind::ALL.iter().map(|k| (k.code(), k.label())).collect())) } }),
            );
            properties
                .insert("jurisdiction".into(), json!({ "type": "string", "description": "缺省为当前用户所在辖区" }));
        }
        // [7] a task for a unit: `owner` names it; its kind and jurisdiction are those on record.
        Action::AssignProject => {
            properties.insert(
                "jurisdiction".into(),
                json!({ "type": "string", "description": "缺省为承担单位登记的辖区;写明时须与之一致" }),
            );
        }
        Action::MergeProposals => {
            properties.insert("project".into(), json!({ "type": "string", "description": "合并后保留的牵头项目编号" }));
            properties.insert(
                "merged".into(),
                json!({ "type": "array", "minItems": 1, "items": { "type": "string" }, "description": "并入的项目编号" }),
            );
            required.extend(["project", "merged"]);
        }
        Action::ReviewPlan
        | Action::ApprovePlan
        | Action::FilePlanReview
        | Action::IncludeInInvestmentPlan
        | Action::PublishRanking => {
            properties
                .insert("jurisdiction".into(), json!({ "type": "string", "description": "缺省为当前用户所在辖区" }));
            if action == Action::ReviewPlan {
                properties.insert(
                    "exclude".into(),
                    json!({ "type": "array", "items": { "type": "string" }, "description": "论证时调减的项目编号" }),
                );
            }
        }
        _ => {
            properties.insert("project".into(), json!({ "type": "string", "description": "项目编号" }));
            required.push("project");
        }
    }
    for f in fields(action) {
        properties.insert(f.name.into(), kind_schema(f.kind));
        if f.required && !matches!(f.kind, Kind::Bool(_)) {
            required.push(f.name);
        }
    }
    json!({ "type": "object", "additionalProperties": false, "properties": properties, "required": required })
}

fn command_schema() -> Value {
    let variants: Vec<Value> = Action::ALL
        .iter()
        .map(|a| {
            json!({
                "title": a.label(),
                "type": "object",
                "additionalProperties": false,
                "required": ["do", "with"],
                "properties": {
                    "do": { "const": a.code() },
                    "with": with_schema(*a),
                    "request_id": { "type": "string", "minLength": 1, "maxLength": 128 },
                    "attachments": attachments_schema()
                }
            })
        })
        .collect();
    json!({ "oneOf": variants })
}

/// The documents an action used: digests returned by `POST /api/v1/documents`.
fn attachments_schema() -> Value {
    json!({
        "type": "array",
        "maxItems": govit_app::documents::MAX_ATTACHMENTS,
        "items": { "$ref": "#/components/schemas/Digest" },
        "description": "本次办理所用的文件(先经 POST /api/v1/documents 上传),记入所生成的第一条事件并随之纳入SM3哈希链"
    })
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// A POST of a JSON object with the required string `properties`, answered 204.
fn body_op(summary: &str, properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    json!({ "post": { "summary": summary,
        "requestBody": { "required": true, "content": { "application/json": { "schema": {
            "type": "object", "additionalProperties": false, "required": required, "properties": properties } } } },
        "responses": { "204": { "description": "完成" }, "400": error_response("输入有误"), "401": error_response("未登录"),
            "415": error_response("须为 JSON") } } })
}

fn ok_object(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "type": "object" } } } })
}

fn ok_array(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "type": "array" } } } })
}

fn get_op(summary: &str, parameters: Value, ok: Value) -> Value {
    json!({ "get": { "summary": summary, "parameters": parameters, "responses": {
        "200": ok, "400": error_response("输入有误"), "401": error_response("未登录"), "404": error_response("不存在或无权查看") } } })
}

fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" }, "description": description })
}

fn query_param(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description })
}

fn documents_description() -> String {
    format!(
        "请求体为文件本身,Content-Type 为其类型,X-Filename 为文件名。接受 PDF、OFD、Word(.doc/.docx)、Excel(.xls/.xlsx)、PNG、JPEG、UTF-8 文本(.txt);扩展名、声明的类型与文件头须一致;不超过 {} MiB。返回的 digest 可放入 POST /api/v1/commands 的 attachments。",
        govit_app::documents::MAX_DOCUMENT_BYTES / (1024 * 1024)
    )
}

/// The whole document.
fn core_spec() -> Value {
    let statuses = choice(govit_rules::vocab::Status::ALL.iter().map(|s| (s.code(), s.label())).collect());
    let routes = choice(govit_rules::vocab::Route::ALL.iter().map(|r| (r.code(), r.label())).collect());
    let money = kind_schema(Kind::Money);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "govit API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "政务信息化项目建设管理平台接口。依据《武汉市政务信息化项目建设管理办法》。先以 POST /api/v1/session 登录(会话 Cookie),再调用其他接口;POST、PUT、PATCH、DELETE 请求须带 X-CSRF-Token 请求头,值为登录返回的 csrf。所有命令经 POST /api/v1/commands 提交,与网页和场景运行器走同一条应用层路径;依《办法》不予办理时返回 422,并列出所依据的条款。"
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE },
                "csrf": { "type": "apiKey", "in": "header", "name": crate::session::CSRF_HEADER, "description": "登录返回的 csrf;POST、PUT、PATCH、DELETE 必带,GET 不检查" }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "message", "articles"],
                    "properties": {
                        "code": { "type": "string", "enum": ["invalid", "unauthenticated", "forbidden", "not_found", "refused", "unsupported_media_type", "conflict", "tampered", "interrupted", "too_large", "password_change_required", "second_factor_required", "personal_data", "internal", "unavailable"] },
                        "message": { "type": "string" },
                        "articles": { "type": "array", "items": { "type": "integer", "minimum": 1, "maximum": 31 } },
                        "field": { "type": "string" },
                        "fields": { "type": "object", "additionalProperties": { "type": "string" }, "description": "输入有误时每个字段及原因" },
                        "correlation_id": { "type": "string", "description": "系统内部错误或依赖服务不可用时的错误编号,供运维人员查阅日志" },
                        "service": { "type": "string", "description": "不可用的依赖服务" }
                    }
                },
                "Command": command_schema(),
                "Digest": { "type": "string", "pattern": "^[0-9a-f]{64}$", "description": "文件内容的SM3摘要(小写十六进制)" },
                "Document": {
                    "type": "object",
                    "required": ["digest", "size", "media_type", "filename"],
                    "properties": {
                        "digest": { "$ref": "#/components/schemas/Digest" },
                        "size": { "type": "integer", "minimum": 1, "maximum": govit_app::documents::MAX_DOCUMENT_BYTES },
                        "media_type": { "type": "string" },
                        "filename": { "type": "string", "maxLength": govit_app::documents::MAX_FILENAME_CHARS }
                    }
                },
                "Done": {
                    "type": "object",
                    "required": ["outcome", "events", "warnings", "replayed"],
                    "properties": {
                        "outcome": { "const": "done" },
                        "project": { "type": ["string", "null"] },
                        "events": { "type": "array" },
                        "warnings": { "type": "array" },
                        "replayed": { "type": "boolean" }
                    }
                }
            }
        },
        "security": [{ "session": [], "csrf": [] }],
        "paths": {
            "/api/v1/session": {
                "post": {
                    "summary": "登录", "security": [],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "additionalProperties": false, "required": ["username", "password"],
                        "properties": { "username": { "type": "string" }, "password": { "type": "string" }, "totp": { "type": "string", "description": "已启用动态口令的账号:验证器显示的6位口令" } } } } } },
                    "responses": { "200": ok_object("已登录,Set-Cookie 带会话"), "400": error_response("输入有误"), "401": error_response("用户名或密码错误"), "415": error_response("须为 JSON") }
                },
                "delete": { "summary": "退出", "responses": { "204": { "description": "已退出" } } }
            },
            "/api/v1/me": get_op("当前用户", json!([]), ok_object("用户、单位、角色")),
            "/api/v1/commands": {
                "post": {
                    "summary": "办理事项(docs/SCENARIOS.md 的全部动作)",
                    "description": "同一账号以同一 request_id(或 Idempotency-Key 请求头)重试同一请求时不重复办理,返回首次结果(replayed 为 true);同一编号用于内容不同的请求时返回 409 conflict,不办理。编号按账号区分:其他账号使用相同编号是另一请求,互不影响。",
                    "parameters": [{ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 128 } }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Command" } } } },
                    "responses": {
                        "200": { "description": "已办理", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Done" } } } },
                        "400": error_response("输入有误(字段与原因)"),
                        "401": error_response("未登录"),
                        "403": error_response("无权办理"),
                        "404": error_response("项目不存在或无权查看"),
                        "409": error_response("request_id(Idempotency-Key)已用于本账号内容不同的另一请求(code 为 conflict,field 为 request_id)"),
                        "415": error_response("须为 JSON"),
                        "422": error_response("依《办法》不予办理,articles 为所依据的条款")
                    }
                }
            },
            "/api/v1/workbench": get_op("工作台:待办、30日内到期、已逾期(每类一页,counts 为总数)", json!([
                query_param("page", json!({ "type": "integer", "minimum": 1 }), "页码"),
                query_param("per_page", json!({ "type": "integer", "minimum": 1, "maximum": 500 }), "每类每页条数")
            ]), ok_object("工作台")),
            "/api/v1/dashboard": get_op("数据看板:各部门、各类别投资,状态,推进漏斗,逾期,年度趋势(含各图表的 ECharts 配置)", json!([]), ok_object("看板数据")),
            "/api/v1/rankings": get_op("电子监察排名(第二十五条):某月建设单位和辖区的红牌、黄牌、红牌天数、整改、须重新审批的调整;已发布的月份为发布时冻结的排名(published 非空)", json!([
                query_param("period", json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" }), "月份,如 2026-11(默认上月)"),
                query_param("jurisdiction", json!({ "type": "string" }), "辖区(默认本单位所属辖区)")
            ]), ok_object("排名")),
            "/api/v1/open-data": { "get": { "summary": "政务公开:公开项目,每页 50 个(无需登录);整份清单见每日发布、带 SM2 签名的 /public/projects.csv 与 /public/projects.json",
                "security": [],
                "parameters": [
                    query_param("q", json!({ "type": "string" }), "名称、编号或建设单位包含"),
                    query_param("year", json!({ "type": "integer" }), "计划年度"),
                    query_param("category", choice(govit_rules::vocab::Category::ALL.iter().map(|c| (c.code(), c.label())).collect()), "项目类别"),
                    query_param("status", statuses.clone(), "状态"),
                    query_param("district", json!({ "type": "string" }), "辖区"),
                    query_param("min", money.clone(), "核定投资不低于(元;投资不公开时不可用)"),
                    query_param("max", money.clone(), "核定投资不高于(元;投资不公开时不可用)"),
                    query_param("sort", json!({ "type": "string", "enum": ["id", "name", "investment", "year"] }), "排序"),
                    query_param("desc", json!({ "type": "boolean" }), "倒序"),
                    query_param("page", json!({ "type": "integer", "minimum": 1 }), "页码")
                ],
                "responses": { "200": ok_object("一页公开项目:rows、total、page、pages"), "400": error_response("输入有误") } } },
            "/api/v1/projects": get_op("项目库", json!([
                query_param("q", json!({ "type": "string" }), "名称或编号包含"),
                query_param("status", statuses, "状态"),
                query_param("route", routes, "管理路径"),
                query_param("owner", json!({ "type": "string" }), "建设单位包含"),
                query_param("year", json!({ "type": "integer" }), "计划年度"),
                query_param("min", money.clone(), "登记投资不低于"),
                query_param("max", money, "登记投资不高于"),
                query_param("overdue", json!({ "type": "boolean" }), "只看有逾期事项的"),
                query_param("rating", json!({ "type": "string", "enum": ["green", "yellow", "red"] }), "系统健康评级"),
                query_param("sort", json!({ "type": "string", "enum": ["id", "name", "owner", "investment", "status", "rating"] }), "排序(rating:评分低者在前)"),
                query_param("desc", json!({ "type": "boolean" }), "倒序"),
                query_param("page", json!({ "type": "integer", "minimum": 1 }), "页码"),
                query_param("per_page", json!({ "type": "integer", "minimum": 1, "maximum": 500 }), "每页条数")
            ]), ok_object("分页的项目列表")),
            "/api/v1/projects/{id}": get_op("项目详情(状态、路径、期限、逾期、可办理事项)", json!([
                path_param("id", "项目编号"),
                query_param("on", json!({ "type": "string", "format": "date" }), "按该日期计算期限,缺省为今天")
            ]), ok_object("项目")),
            "/api/v1/projects/{id}/timeline": get_op("项目办理记录", json!([path_param("id", "项目编号")]), ok_array("事件")),
            "/api/v1/projects/{id}/documents": get_op("项目的文件(每个文件及使用它的事件、日期)", json!([path_param("id", "项目编号")]), ok_array("文件")),
            "/api/v1/documents": {
                "post": {
                    "summary": "上传文件(实施方案、评估报告、验收材料等)",
                    "description": documents_description(),
                    "parameters": [{ "name": "X-Filename", "in": "header", "required": false, "schema": { "type": "string" }, "description": "文件名,UTF-8 百分号编码(如 %E6%96%B9%E6%A1%88.pdf)" }],
                    "requestBody": { "required": true, "content": {
                        "application/pdf": { "schema": { "type": "string", "format": "binary" } },
                        "application/ofd": { "schema": { "type": "string", "format": "binary" } },
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { "schema": { "type": "string", "format": "binary" } },
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } },
                        "application/msword": { "schema": { "type": "string", "format": "binary" } },
                        "application/vnd.ms-excel": { "schema": { "type": "string", "format": "binary" } },
                        "image/png": { "schema": { "type": "string", "format": "binary" } },
                        "image/jpeg": { "schema": { "type": "string", "format": "binary" } },
                        "text/plain": { "schema": { "type": "string", "format": "binary" } },
                        "application/octet-stream": { "schema": { "type": "string", "format": "binary" } }
                    } },
                    "responses": {
                        "200": { "description": "已保存(相同内容只保存一份,摘要相同)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Document" } } } },
                        "400": error_response("文件为空、超过上限或类型不支持(field 为 file)"),
                        "401": error_response("未登录"),
                        "413": error_response("请求体超过上传上限(code 为 too_large)")
                    }
                }
            },
            "/api/v1/documents/{digest}": {
                "get": {
                    "summary": "下载文件",
                    "description": "内容与其SM3摘要不符(可能已被篡改)时拒绝下载,返回 409 tampered。可下载者:能查看该文件所关联项目的用户,以及上传单位。",
                    "parameters": [path_param("digest", "文件的SM3摘要")],
                    "responses": {
                        "200": { "description": "文件内容;Content-Disposition: attachment; filename*=UTF-8''…", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
                        "400": error_response("摘要格式有误"),
                        "401": error_response("未登录"),
                        "404": error_response("不存在或无权查看"),
                        "409": error_response("文件内容与其SM3摘要不符,拒绝下载")
                    }
                }
            },
            "/api/v1/plans/{jurisdiction}/{year}": get_op("年度实施计划", json!([path_param("jurisdiction", "辖区代码"), path_param("year", "年度")]), ok_object("计划与申报项目")),
            "/api/v1/regulation": { "get": { "summary": "《办法》全文(按条)", "security": [], "responses": { "200": ok_object("条文") } } }
        }
    })
}

fn binary(media_type: &str, description: &str) -> Value {
    json!({ "description": description, "content": { media_type: { "schema": { "type": "string", "format": "binary" } } } })
}

fn download_op(summary: &str, parameters: Value, media_type: &str, what: &str) -> Value {
    json!({ "get": { "summary": summary, "parameters": parameters, "responses": {
        "200": binary(media_type, what), "400": error_response("输入有误"), "401": error_response("未登录"),
        "404": error_response("不存在或无权查看") } } })
}

/// `GET /api/v1/policies`: every jurisdiction's versions, parameters in force today, and [30] what a district
/// changes from the city's parameters.
fn policies_op() -> Value {
    let parameters: Vec<(&str, &str)> =
        govit_rules::policy_diff::Parameter::ALL.iter().map(|p| (p.code(), p.label())).collect();
    let directions: Vec<(&str, &str)> =
        govit_rules::policy_diff::Direction::ALL.iter().map(|d| (d.code(), d.label())).collect();
    let value = json!({ "description": "参数值,单位同 in_force.parameters(金额为元,比例为万分之一,期限为月,截止日为 MM-DD,自评价期限为 [起, 止],审批部门为代码)" });
    let difference = json!({
        "type": "object",
        "required": ["parameter", "city", "value", "direction"],
        "properties": {
            "parameter": choice(parameters),
            "city": value.clone(),
            "value": value,
            "direction": choice(directions)
        }
    });
    let jurisdiction = json!({
        "type": "object",
        "required": ["jurisdiction", "name", "parent", "versions", "in_force", "differences"],
        "properties": {
            "jurisdiction": { "type": "string", "description": "辖区代码" },
            "name": { "type": "string" },
            "parent": { "type": ["string", "null"], "description": "上级辖区代码(市级为 null)" },
            "versions": { "type": "array", "items": { "type": "object", "properties": {
                "effective": { "type": "string", "format": "date" }, "title": { "type": ["string", "null"] } } } },
            "in_force": { "type": ["object", "null"], "description": "今日施行的参数(parameters)及其所依版本(version)" },
            "differences": {
                "type": "array", "items": difference,
                "description": "第三十条:各区实施细则中与市级(wuhan)今日参数不同的每一项,及其较市级放宽(looser)、从严(stricter)或不同(different);市级为空"
            }
        }
    });
    json!({ "get": { "summary": "各辖区实施细则版本、现行参数及与市级参数的差异(放宽或从严)", "parameters": [], "responses": {
        "200": { "description": "政策", "content": { "application/json": { "schema": { "type": "array", "items": jurisdiction } } } },
        "401": error_response("未登录") } } })
}

/// The paths kept out of [`core_spec`]: the own password, workbooks, 公文, the proposal import and policies.
fn more_paths() -> Vec<(&'static str, Value)> {
    let xlsx = govit_app::exchange::XLSX_MEDIA_TYPE;
    let year =
        || query_param("year", json!({ "type": "integer", "minimum": Year::MIN, "maximum": Year::MAX }), "计划年度");
    vec![
        ("/api/v1/policies", policies_op()),
        (
            "/api/v1/exports/plan.xlsx",
            download_op(
                "年度实施计划(Excel,按建设单位小计,万元)",
                json!([
                    query_param("jurisdiction", json!({ "type": "string" }), "辖区代码,缺省为当前用户所在辖区"),
                    year()
                ]),
                xlsx,
                "工作簿",
            ),
        ),
        (
            "/api/v1/exports/projects.xlsx",
            download_op(
                "项目库筛选结果(Excel;筛选条件同 /api/v1/projects)",
                json!([
                    query_param("q", json!({ "type": "string" }), "名称或编号包含"),
                    query_param("status", json!({ "type": "string" }), "状态"),
                    query_param("year", json!({ "type": "integer" }), "计划年度")
                ]),
                xlsx,
                "工作簿",
            ),
        ),
        (
            "/api/v1/me/password",
            body_op(
                "修改本人密码(须原密码;新密码须符合密码策略)",
                json!({ "current": { "type": "string" }, "new": { "type": "string" } }),
            ),
        ),
        (
            "/api/v1/me/second-factor",
            json!({ "post": { "summary": "开始启用动态口令(TOTP):生成密钥,返回 secret(base32)与 otpauth 地址;须再确认",
                "responses": { "200": ok_object("secret 与 url"), "400": error_response("未配置加密密钥"), "401": error_response("未登录") } } }),
        ),
        (
            "/api/v1/me/second-factor/confirm",
            body_op("以验证器显示的口令确认启用动态口令", json!({ "code": { "type": "string" } })),
        ),
        (
            "/api/v1/me/second-factor/disable",
            body_op("以当前口令关闭动态口令(本系统要求启用的岗位不能关闭)", json!({ "code": { "type": "string" } })),
        ),
        (
            "/api/v1/me/email",
            json!({ "post": { "summary": "设置本人接收期限提醒邮件的地址(email 为空则不再发送邮件)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": { "email": { "type": ["string", "null"] } } } } } },
                "responses": { "204": { "description": "完成" }, "400": error_response("地址无效"),
                    "401": error_response("未登录"), "415": error_response("须为 JSON") } } }),
        ),
        (
            "/api/v1/notifications",
            get_op("本人的通知(期限提醒、逾期日报):最新200条与未读数", json!([]), ok_object("unread 与 notifications")),
        ),
        (
            "/api/v1/notifications/read",
            json!({ "post": { "summary": "本人的通知全部标为已读",
                "responses": { "204": { "description": "完成" }, "401": error_response("未登录") } } }),
        ),
        (
            "/api/v1/notifications/{id}/read",
            json!({ "post": { "summary": "将本人的一条通知标为已读",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" }, "description": "通知编号" }],
                "responses": { "204": { "description": "完成" }, "400": error_response("编号无效"),
                    "401": error_response("未登录"), "404": error_response("不存在(或不是本人的通知)") } } }),
        ),
        ("/api/v1/exports/proposal-template.xlsx", download_op("年度计划申报模板", json!([year()]), xlsx, "工作簿")),
        (
            "/api/v1/projects/{id}/papers/{seq}",
            download_op(
                "公文:批复(审批通过的事件)或备案回执(备案事件),PDF,按 GB/T 9704 排版",
                json!([path_param("id", "项目编号"), path_param("seq", "办理记录的序号(时间线中的 #号)")]),
                "application/pdf",
                "PDF",
            ),
        ),
        (
            "/api/v1/imports/proposals",
            json!({ "post": {
            "summary": "导入年度计划申报表(项目建设单位):逐行校验,全部通过才登记并申报,否则一行也不导入",
            "parameters": [year()],
            "requestBody": { "required": true, "content": {
                xlsx: { "schema": { "type": "string", "format": "binary" } },
                "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
            "responses": {
                "200": ok_object("已导入:每行的项目编号、管理路径、审批部门"),
                "400": error_response("不是.xlsx、格式不符或单元格有误;errors 逐条列出行、列与原因"),
                "401": error_response("未登录"),
                "403": error_response("非项目建设单位"),
                "409": error_response("导入中断(此前各行已导入)"),
                "413": error_response("请求体超过上传上限(code 为 too_large)"),
                "422": error_response("有行依《办法》不予受理(errors 逐行列出,articles 为所依据的条款);或解压后超出申报表的范围(部件数、解压大小、行列),code 为 too_large")
            }
        } }),
        ),
    ]
}

/// The whole description: the core paths and the exchange paths (kept apart to stay within `json!`'s recursion
/// limit).
pub(crate) fn spec() -> Value {
    let mut spec = core_spec();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in more_paths() {
            paths.insert(path.to_owned(), item);
        }
    }
    spec
}

pub(super) async fn document() -> Json<Value> {
    Json(spec())
}

/// Swagger UI, from the vendored swagger-ui-dist; its initialiser is a separate script (no inline code).
pub(super) async fn docs() -> Response {
    let html = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>govit API 文档</title>
<link rel="stylesheet" href="/static/swagger-ui-5.35.0.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger-ui-bundle-5.35.0.js"></script>
<script src="/api/v1/docs/swagger-init.js"></script></body></html>"#;
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

pub(super) async fn init_script() -> Response {
    let js = "window.addEventListener('load', function () { window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui' }); });";
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], js).into_response()
}

/// The form fields and the OpenAPI schema of every action come from one definition (`forms::fields`): they
/// agree field by field, and what the schema describes is what the command parser accepts (issue 16).
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use govit_rules::Role;
    use govit_rules::draft::{DraftError, OrgRecord, build};
    use govit_rules::vocab::OwnerKind;
    use govit_rules::{JurisdictionId, OrgName};

    /// The properties a form does not have, by action: the project (the page's), the registering owner and
    /// jurisdiction (the account's), the plan's jurisdiction and the projects a review excludes.
    fn extras(action: Action) -> &'static [&'static str] {
        match action {
            Action::RegisterProject => &["owner", "jurisdiction"],
            Action::ReviewPlan => &["jurisdiction", "exclude"],
            Action::ApprovePlan | Action::FilePlanReview | Action::IncludeInInvestmentPlan => &["jurisdiction"],
            Action::PublishRanking => &["jurisdiction"],
            Action::AssignProject => &["jurisdiction"],
            Action::MergeProposals => &["project", "merged"],
            _ => &["project"],
        }
    }

    /// The action's `with` schema, as published in the document.
    fn published_with(spec: &Value, action: Action) -> Value {
        let variants = spec["components"]["schemas"]["Command"]["oneOf"].as_array().expect("the command variants");
        let variant = variants
            .iter()
            .find(|v| v["properties"]["do"]["const"] == action.code())
            .unwrap_or_else(|| panic!("no command variant for {}", action.code()));
        variant["properties"]["with"].clone()
    }

    fn codes(options: Vec<(&'static str, &'static str)>) -> Vec<Value> {
        options.into_iter().map(|(code, _)| Value::from(code)).collect()
    }

    fn types(schema: &Value) -> Vec<&str> {
        match schema.get("oneOf") {
            Some(Value::Array(alternatives)) => alternatives.iter().filter_map(|a| a["type"].as_str()).collect(),
            _ => schema["type"].as_str().into_iter().collect(),
        }
    }

    #[test]
    fn every_form_field_is_a_schema_property_of_the_same_type_and_nothing_else_is() {
        let spec = spec();
        for &action in Action::ALL {
            let with = published_with(&spec, action);
            let code = action.code();
            let properties = with["properties"].as_object().expect("properties");
            let required: Vec<&str> =
                with["required"].as_array().expect("required").iter().filter_map(Value::as_str).collect();
            let form = fields(action);
            for field in &form {
                let name = field.name;
                let schema =
                    properties.get(name).unwrap_or_else(|| panic!("{code}: form field `{name}` not in schema"));
                match field.kind {
                    Kind::Text | Kind::LongText => assert_eq!(types(schema), ["string"], "{code}.{name}"),
                    Kind::Money => {
                        let mut t = types(schema);
                        t.sort_unstable();
                        assert_eq!(t, ["integer", "string"], "{code}.{name}");
                    }
                    Kind::Year => assert_eq!(types(schema), ["integer"], "{code}.{name}"),
                    Kind::Date => {
                        assert_eq!(types(schema), ["string"], "{code}.{name}");
                        assert_eq!(schema["format"], "date", "{code}.{name}");
                    }
                    Kind::Bool(_) => assert_eq!(types(schema), ["boolean"], "{code}.{name}"),
                    Kind::Choice(options) => {
                        assert_eq!(types(schema), ["string"], "{code}.{name}");
                        assert_eq!(schema["enum"].as_array(), Some(&codes(options())), "{code}.{name}");
                    }
                    Kind::Multi(options) => {
                        assert_eq!(types(schema), ["array"], "{code}.{name}");
                        assert_eq!(schema["items"]["enum"].as_array(), Some(&codes(options())), "{code}.{name}");
                    }
                }
                let in_schema = required.contains(&name);
                let in_form = field.required && !matches!(field.kind, Kind::Bool(_));
                assert_eq!(
                    in_schema, in_form,
                    "{code}.{name}: required in the form {in_form}, in the schema {in_schema}"
                );
            }
            for name in properties.keys() {
                assert!(
                    form.iter().any(|f| f.name == name) || extras(action).contains(&name.as_str()),
                    "{code}: schema property `{name}` has no form field"
                );
            }
            for name in &required {
                assert!(properties.contains_key(*name), "{code}: required `{name}` is not a property");
            }
            assert_eq!(with["additionalProperties"], false, "{code}");
        }
    }

    /// A plausible value for a property, from its schema (`money_as_text`: the "120万" form of amounts).
    fn plausible(name: &str, schema: &Value, money_as_text: bool) -> Value {
        if let Some(Value::Array(alternatives)) = schema.get("oneOf") {
            let want = if money_as_text { "string" } else { "integer" };
            let chosen = alternatives.iter().find(|a| a["type"] == want).expect("a money alternative");
            return plausible(name, chosen, money_as_text);
        }
        if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
            return first.clone();
        }
        match (schema["type"].as_str(), name) {
            (Some("integer"), _) => Value::from(schema["minimum"].as_i64().map_or(1_000_000, |min| min.max(2024))),
            (Some("boolean"), _) => Value::Bool(true),
            (Some("array"), _) => Value::Array(vec![plausible(name, &schema["items"], money_as_text)]),
            (Some("object"), _) => {
                let mut object = Map::new();
                for (key, property) in schema["properties"].as_object().expect("object properties") {
                    object.insert(key.clone(), plausible(key, property, money_as_text));
                }
                Value::Object(object)
            }
            (Some("string"), _) if schema["format"] == "date" => Value::from("2024-03-01"),
            (Some("string"), _) if schema.get("pattern").is_some() => Value::from("120万"),
            (Some("string"), "project" | "exclude" | "merged") => Value::from("wuhan-2024-0001"),
            (Some("string"), "owner") => Value::from("武汉市民政局"),
            (Some("string"), "period") => Value::from("2026-11"),
            (Some("string"), "jurisdiction") => Value::from("wuhan"),
            (Some("string"), "name") => Value::from("武汉市民政局"),
            (Some("string"), "leader_phone") => Value::from("13800000000"),
            (Some("string"), "leader_id_number") => Value::from("11010519491231002X"),
            (Some("string"), _) => Value::from("示例"),
            (other, _) => panic!("{name}: no plausible value for type {other:?}"),
        }
    }

    #[test]
    fn what_the_schema_describes_the_command_parser_accepts() {
        let spec = spec();
        // As the API builds a registration: held to the record of the owner's organisation, which fills in
        // the `owner` the schema lets a client leave out.
        let org = OrgRecord {
            name: OrgName::parse("武汉市民政局").expect("a name"),
            kind: Some(OwnerKind::ALL[0]),
            jurisdiction: JurisdictionId::parse("wuhan").expect("a jurisdiction"),
        };
        for &action in Action::ALL {
            let with = published_with(&spec, action);
            let properties = with["properties"].as_object().expect("properties");
            let required: Vec<&str> =
                with["required"].as_array().expect("required").iter().filter_map(Value::as_str).collect();
            for (only_required, money_as_text) in [(true, false), (false, false), (false, true)] {
                let mut object = Map::new();
                for (name, schema) in properties {
                    if !only_required || required.contains(&name.as_str()) {
                        object.insert(name.clone(), plausible(name, schema, money_as_text));
                    }
                }
                let shown = Value::Object(object.clone());
                match build(action, object, Role::Owner, Some(&org)) {
                    Ok(command) => assert_eq!(command.action(), action),
                    Err(DraftError::Malformed(errors)) => {
                        panic!("{}: the parser refuses {shown} that the schema describes: {errors:?}", action.code())
                    }
                    Err(other) => panic!("{}: {other:?}", action.code()),
                }
            }
        }
    }
}
