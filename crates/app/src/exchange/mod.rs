//! 数据交换: annual plans and project lists out to Excel, and a unit's annual-plan proposals in from Excel.
//!
//! - [`plan_workbook`]: a jurisdiction's annual implementation plan of a year [5][6][7] as `.xlsx`, grouped by
//!   建设单位 with subtotals and a grand total; [`projects_workbook`]: any filtered 项目库 list, the same way.
//! - [`proposal_template`]: the sheet a 项目建设单位 fills in for its annual-plan proposals, with dropdowns of
//!   the closed lists and a 说明 sheet quoting articles [3][8][9].
//! - [`import_proposals`]: reads a filled-in sheet, checks every row, dry-runs every command with the rules, and
//!   only then registers and proposes each project through [`App::execute`]: all rows or none.
//!
//! Amounts are integer yuan everywhere in govit; a workbook shows 万元. The conversion happens once, at the
//! edge, through a decimal string ([`wan`]), so no float arithmetic touches money.

mod export;
pub mod history;
mod import;
mod template;

pub use export::{plan_file_name, plan_title, plan_workbook, projects_file_name, projects_workbook};
pub use import::{
    CellError, ImportError, ImportReport, ImportedRow, RowRejection, import_proposals, import_proposals_with_progress,
};
pub use template::{HEADERS as TEMPLATE_HEADERS, proposal_template, template_file_name, template_title};

use crate::{App, AppError};
use govit_rules::Money;

/// The media type of an `.xlsx` workbook, for `Content-Type` headers.
pub const XLSX_MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most data rows a proposal sheet may hold (and the rows the template's dropdowns cover).
pub const MAX_IMPORT_ROWS: u32 = 1000;

/// An amount in 万元 as the number a spreadsheet cell holds, exact to the yuan: the integer is written out as a
/// decimal (`1234567` → `"123.4567"`) and parsed once. No float arithmetic is done on money.
pub(crate) fn wan(amount: Money) -> Result<f64, AppError> {
    let yuan = amount.yuan();
    let text = format!("{}.{:04}", yuan / 10_000, yuan % 10_000);
    text.parse::<f64>().map_err(|e| AppError::internal(format!("金额 {amount} 无法换算为万元:{e}")))
}

/// A workbook that could not be written: an internal fault (the data are ours). The library's details are the
/// reason, for the log; the person sees only that the server failed.
pub(crate) fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::internal(format!("无法生成Excel文件:{e}"))
}

/// The approving department of a project: the named 行业主管部门 where one approves [9], else the authority.
pub(crate) fn approver(p: &govit_rules::Project) -> String {
    match (&p.industry_authority, p.approver) {
        (Some(name), govit_rules::vocab::Authority::IndustryAuthority) => name.to_string(),
        _ => p.approver.label().to_owned(),
    }
}

/// The name of `app`'s jurisdiction (`武汉市`), or an error when the policies do not know it.
pub(crate) fn jurisdiction_name(app: &App, jurisdiction: &govit_rules::JurisdictionId) -> Result<String, AppError> {
    if !app.policies().contains(jurisdiction) {
        return Err(AppError::invalid("jurisdiction", format!("辖区 {jurisdiction} 没有政策定义")));
    }
    Ok(app.policies().name_of(jurisdiction))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_is_exact_to_the_yuan() {
        let cases = [(0, "0"), (1, "0.0001"), (1_234_567, "123.4567"), (500_000, "50"), (30_000_000, "3000")];
        for (yuan, text) in cases {
            let m = Money::from_yuan(yuan).ok();
            let expected: Option<f64> = text.parse().ok();
            assert_eq!(m.and_then(|m| wan(m).ok()), expected, "{yuan}");
        }
    }
}
