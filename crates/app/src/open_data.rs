//! 政务公开: what of the record is public (the operator's `DATA/open-data.yaml`), one project as the public
//! sees it, and the two formats the public set is published in. Both are written a row at a time, so that a
//! data set of any size is cut and served in parts ([`crate::dataset`]).

use crate::{App, AppError};
use govit_rules::vocab::{Route, Status};
use serde::{Deserialize, Serialize};

/// What is published without login (政务公开), set by the operator in `DATA/open-data.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDataConfig {
    /// Projects in these statuses are listed.
    pub statuses: Vec<Status>,
    /// Routes listed (filing-route projects are small self-implemented ones; off by default is possible).
    pub routes: Vec<Route>,
    /// Whether the approved investment is shown.
    pub show_investment: bool,
    /// Where the portal is reached (`https://xmgk.example.gov.cn`): the data catalogue's addresses are made
    /// absolute with it. Without it they are relative to the catalogue's own address.
    #[serde(default)]
    pub site: Option<String>,
    /// Who publishes the data (the catalogue's publisher).
    #[serde(default)]
    pub publisher: Option<String>,
}

impl Default for OpenDataConfig {
    /// Approved projects and everything after approval, every route, with their approved investment.
    fn default() -> OpenDataConfig {
        OpenDataConfig {
            statuses: vec![
                Status::Approved,
                Status::Filed,
                Status::UnderConstruction,
                Status::Suspended,
                Status::Completed,
                Status::Accepted,
                Status::Operating,
            ],
            routes: Route::ALL.to_vec(),
            show_investment: true,
            site: None,
            publisher: None,
        }
    }
}

impl OpenDataConfig {
    /// Reads `path` if it exists; the defaults otherwise. A malformed file is an error, not a silent default.
    pub fn load(path: &std::path::Path) -> Result<OpenDataConfig, AppError> {
        if !path.exists() {
            return Ok(OpenDataConfig::default());
        }
        let text = std::fs::read_to_string(path).map_err(|e| AppError::internal(format!("{}:{e}", path.display())))?;
        let mut config: OpenDataConfig = serde_yaml_ng::from_str(&text)
            .map_err(|e| AppError::invalid("open_data", format!("{}:{e}", path.display())))?;
        if let Some(site) = &config.site {
            let site = site.trim_end_matches('/');
            let host = site.strip_prefix("https://").or_else(|| site.strip_prefix("http://")).unwrap_or_default();
            if host.is_empty() || host.contains(|c: char| c.is_whitespace() || "\"<>#?".contains(c)) {
                return Err(AppError::invalid(
                    "site",
                    format!("{}:site 须为以 https:// 或 http:// 开头的网址,不含空格、引号、? 或 #", path.display()),
                ));
            }
            config.site = Some(site.to_owned());
        }
        Ok(config)
    }

    /// The publisher named in the catalogue.
    pub fn publisher(&self) -> String {
        self.publisher.clone().unwrap_or_else(|| "政务信息化项目管理平台".to_owned())
    }
}

/// One project as the public sees it: nothing personal, nothing internal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicProject {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub category: &'static str,
    pub construction: &'static str,
    pub status: &'static str,
    pub route: &'static str,
    /// Yuan, when published.
    pub approved_investment: Option<i64>,
    pub plan_year: Option<i32>,
}

impl App {
    /// The public list, in project-number order (from the project index: [`crate::portal`]).
    pub async fn open_data(&self, config: &OpenDataConfig) -> Result<Vec<PublicProject>, AppError> {
        self.public_digests(config).await
    }
}

/// A field of the published data: its name in the CSV header and in the JSON, what it means, its unit and the
/// values it takes. The data dictionary page and the CSV header are both made from this one list.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub header: &'static str,
    pub meaning: &'static str,
    pub kind: &'static str,
    pub unit: &'static str,
}

pub const FIELDS: [Field; 9] = [
    field("id", "项目编号", "平台登记时赋予的唯一编号", "文本", ""),
    field("name", "项目名称", "建设单位登记的项目名称", "文本", ""),
    field("owner", "建设单位", "项目建设单位(项目单位)的名称", "文本", ""),
    field("category", "项目类别", "政务信息化项目的类别", "代码表", ""),
    field("construction", "建设性质", "新建、改建、扩建或升级", "代码表", ""),
    field("status", "状态", "截取数据集时项目所处的阶段", "代码表", ""),
    field("route", "管理路径", "审批、备案等管理方式(办法第八、九条)", "代码表", ""),
    field("approved_investment", "核定投资(元)", "批复或备案核定的总投资;未核定或不公开时为空", "整数", "元"),
    field("plan_year", "计划年度", "列入的年度计划的年份;未列入时为空", "整数", "年"),
];

/// One row of [`FIELDS`]: key, header, meaning, type, unit.
const fn field(
    key: &'static str,
    header: &'static str,
    meaning: &'static str,
    kind: &'static str,
    unit: &'static str,
) -> Field {
    Field { key, header, meaning, kind, unit }
}

/// The CSV's first line: UTF-8 with BOM, so spreadsheet programs read the Chinese correctly.
pub fn csv_header() -> String {
    let names: Vec<&str> = FIELDS.iter().map(|f| f.header).collect();
    format!("\u{feff}{}\n", names.join(","))
}

/// One project's line of the CSV.
pub fn csv_line(r: &PublicProject) -> String {
    let cells = [
        r.id.clone(),
        r.name.clone(),
        r.owner.clone(),
        r.category.to_owned(),
        r.construction.to_owned(),
        r.status.to_owned(),
        r.route.to_owned(),
        r.approved_investment.map(|y| y.to_string()).unwrap_or_default(),
        r.plan_year.map(|y| y.to_string()).unwrap_or_default(),
    ];
    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    format!("{}\n", line.join(","))
}

/// The public list as CSV.
pub fn open_data_csv(rows: &[PublicProject]) -> String {
    rows.iter().fold(csv_header(), |mut out, r| {
        out.push_str(&csv_line(r));
        out
    })
}

/// RFC 4180 quoting; a leading = + - @ (or tab or carriage return, which some spreadsheets skip before one) is
/// prefixed with ' so a spreadsheet never runs it as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// The JSON is an array with one project a line, so that it is written and read in parts like the CSV:
/// `[`, then each object followed by `,` but the last, then `]`.
pub fn json_line(r: &PublicProject, last: bool) -> Result<String, AppError> {
    let object = serde_json::to_string(r).map_err(|e| AppError::internal(format!("公开数据无法写成 JSON:{e}")))?;
    Ok(if last { format!("{object}\n") } else { format!("{object},\n") })
}
