//! The template a 项目建设单位 fills in to propose its projects for a year's plan [6][7].
//!
//! Sheet 申报表: row 1 the title (`2026年度政务信息化项目年度计划申报表`, which names the year the import
//! checks), row 2 the headers of [`HEADERS`], data from row 3 on, with dropdowns of the closed lists' Chinese
//! labels. Sheet 说明: how to fill each column, the text of articles [3][8][9], and the code table (a code is
//! accepted wherever a label is).

use super::{MAX_IMPORT_ROWS, xlsx_error};
use crate::AppError;
use govit_rules::regulation;
use govit_rules::vocab::{Category, Construction, Funding};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

/// The template's headers, in order. The import finds columns by these names (see [`FIELD_KEYS`]).
pub const HEADERS: [&str; 8] = [
    "项目名称",
    "项目类别",
    "建设性质",
    "资金方式",
    "投资额(元)",
    "与固定资产投资同步建设(是/否)",
    "自建自用(是/否)",
    "行业主管部门",
];

/// What a header must begin with to be recognised, in the order of [`HEADERS`] (so `投资额(万元)` or
/// `投资额` is the amount column too; the amount's own text decides the unit).
pub(super) const FIELD_KEYS: [&str; 8] =
    ["项目名称", "项目类别", "建设性质", "资金方式", "投资额", "与固定资产投资同步建设", "自建自用", "行业主管部门"];

pub(super) const F_NAME: usize = 0;
pub(super) const F_CATEGORY: usize = 1;
pub(super) const F_CONSTRUCTION: usize = 2;
pub(super) const F_FUNDING: usize = 3;
pub(super) const F_INVESTMENT: usize = 4;
pub(super) const F_BUNDLED: usize = 5;
pub(super) const F_SELF_BUILT: usize = 6;
pub(super) const F_INDUSTRY: usize = 7;

/// The name of the data sheet.
pub(super) const SHEET: &str = "申报表";
/// The name of the instructions sheet, which the import skips.
pub(super) const NOTES_SHEET: &str = "说明";

const WIDTHS: [f64; 8] = [40.0, 26.0, 10.0, 24.0, 16.0, 16.0, 12.0, 24.0];
const TITLE_ROW: u32 = 0;
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;

/// The sheet's title, which names the plan year: `2026年度政务信息化项目年度计划申报表`.
pub fn template_title(year: i32) -> String {
    format!("{year}年度政务信息化项目年度计划申报表")
}

/// The file name to offer for [`proposal_template`].
pub fn template_file_name(year: i32) -> String {
    format!("{}.xlsx", template_title(year))
}

/// A blank proposal sheet for `year`'s annual plan, with dropdowns and an instructions sheet (说明).
pub fn proposal_template(year: i32) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let title = template_title(year);
    workbook.set_properties(&DocProperties::new().set_title(title.as_str()).set_author("govit"));
    let sheet = workbook.add_worksheet();
    write_form(sheet, &title).map_err(xlsx_error)?;
    let notes = workbook.add_worksheet();
    write_notes(notes, year).map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| label(*v)).collect()
}

/// A dropdown of `options`. A value outside the list only warns, since the English codes are accepted too.
fn dropdown(field: &str, options: &[&str]) -> Result<DataValidation, XlsxError> {
    let validation = DataValidation::new()
        .allow_list_strings(options)?
        .set_input_title(field)?
        .set_input_message("请从下拉列表中选择")?
        .set_error_title(field)?
        .set_error_message(format!("{field}应从下拉列表中选择(也可填写《说明》中代码表的英文代码)"))?;
    Ok(validation.set_error_style(DataValidationErrorStyle::Warning))
}

/// A hint shown when a cell of a free column is selected.
fn hint(field: &str, message: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new().allow_any_value().set_input_title(field)?.set_input_message(message)
}

fn write_form(ws: &mut Worksheet, title: &str) -> Result<(), XlsxError> {
    let last_col = u16::try_from(HEADERS.len()).unwrap_or(u16::MAX).saturating_sub(1);
    let last_row = FIRST_DATA_ROW + MAX_IMPORT_ROWS - 1;
    ws.set_name(SHEET)?;
    let title_format = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title, &title_format)?;
    ws.set_row_height(TITLE_ROW, 30)?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9_E1_F2));
    let text = Format::new().set_num_format("@");
    for (col, (name, width)) in (0u16..).zip(HEADERS.iter().zip(WIDTHS)) {
        ws.write_string_with_format(HEADER_ROW, col, *name, &header)?;
        ws.set_column_width(col, width)?;
        if col as usize != F_INVESTMENT {
            ws.set_column_format(col, &text)?;
        }
    }
    ws.set_row_height(HEADER_ROW, 36)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    let yes_no = ["是", "否"];
    let lists: [(usize, Vec<&str>); 5] = [
        (F_CATEGORY, labels(Category::ALL, Category::label)),
        (F_CONSTRUCTION, labels(Construction::ALL, Construction::label)),
        (F_FUNDING, labels(Funding::ALL, Funding::label)),
        (F_BUNDLED, yes_no.to_vec()),
        (F_SELF_BUILT, yes_no.to_vec()),
    ];
    for (field, options) in &lists {
        let col = u16::try_from(*field).unwrap_or(0);
        ws.add_data_validation(FIRST_DATA_ROW, col, last_row, col, &dropdown(FIELD_KEYS[*field], options)?)?;
    }
    let hints = [
        (F_NAME, "必填。一行一个项目,项目名称不超过2000字。"),
        (F_INVESTMENT, "必填。整数元,如 1200000;也可填“120万”(万元最多四位小数)。须大于0。"),
        (F_INDUSTRY, "自建自用项目填写负责审批的行业主管部门,如市教育局、市卫生健康委员会;其他项目可不填。"),
    ];
    for (field, message) in hints {
        let col = u16::try_from(field).unwrap_or(0);
        ws.add_data_validation(FIRST_DATA_ROW, col, last_row, col, &hint(FIELD_KEYS[field], message)?)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_active(true);
    Ok(())
}

fn write_notes(ws: &mut Worksheet, year: i32) -> Result<(), XlsxError> {
    ws.set_name(NOTES_SHEET)?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 90)?;
    ws.set_column_width(2, 34)?;
    let heading = Format::new().set_bold().set_font_size(13);
    let bold = Format::new().set_bold().set_align(FormatAlign::Top).set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut row = 0u32;
    ws.write_string_with_format(row, 0, format!("{year}年度政务信息化项目年度计划申报表 填写说明"), &heading)?;
    row += 2;
    let fields: [(&str, String); 10] = [
        ("填报范围", format!(
            "市级党政机关、市直属事业单位拟申报{year}年度实施计划的政务信息化项目[2][3][6]。每行一个项目;请勿修改“申报表”第2行的表头。"
        )),
        ("项目名称", "必填,不超过2000字。同一表内项目名称不得重复。".to_owned()),
        ("项目类别", "必填,从下拉列表选择[3]。“集中采购的办公设备”和“楼宇智能化(含会议、视频等系统)”不纳入本办法管理的范畴,不予登记[3]。".to_owned()),
        ("建设性质", "必填,从下拉列表选择:新建、改建、扩建、升级[3]。".to_owned()),
        ("资金方式", "必填,从下拉列表选择[3]。".to_owned()),
        ("投资额(元)", "必填,整数元(如 1200000),或以“万”为单位(如“120万”,最多四位小数);须大于0。管理路径按投资额确定:50万元以下自行组织实施并备案,50万元以上(含本数)报项目审批部门审批[8](区级项目以本区政策为准)。".to_owned()),
        ("与固定资产投资同步建设(是/否)", "可与固定资产投资项目同步设计、同步施工的,填“是”,纳入基本建设项目管理[9];不填视为“否”。".to_owned()),
        ("自建自用(是/否)", "学校、医疗机构等使用市级财政性资金自建自用的项目填“是”,由行业主管部门审批[9];不填视为“否”。".to_owned()),
        ("行业主管部门", "自建自用项目填写负责审批的行业主管部门(如市教育局、市卫生健康委员会);其他项目可不填。".to_owned()),
        ("导入规则", "建设单位为上传者所在单位。导入时先逐行检查,任何一行有误则整表不导入,并列出全部错误(行号、列名、原因);全部无误后按本办法逐行预判,任何一行不予受理则整表不导入;全部可受理时逐行登记项目并申报年度计划,每行给出项目编号。同一单位同一年度重复上传内容相同的行,不会重复登记。".to_owned()),
    ];
    for (name, text) in &fields {
        ws.write_string_with_format(row, 0, *name, &bold)?;
        ws.write_string_with_format(row, 1, text, &wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, format!("依据:《{}》", regulation::title()), &heading)?;
    row += 1;
    for n in [3u8, 8, 9] {
        if let Some(article) = regulation::article(n) {
            ws.write_string_with_format(row, 0, article.heading.as_str(), &bold)?;
            ws.write_string_with_format(row, 1, article.text, &wrap)?;
            row += 1;
        }
    }
    row += 1;
    ws.write_string_with_format(row, 0, "代码表(中文名称或英文代码均可填写)", &heading)?;
    row += 1;
    ws.write_string_with_format(row, 0, "列", &bold)?;
    ws.write_string_with_format(row, 1, "中文名称", &bold)?;
    ws.write_string_with_format(row, 2, "代码", &bold)?;
    row += 1;
    let mut codes: Vec<(&str, &str, &str)> = Vec::new();
    codes.extend(Category::ALL.iter().map(|v| ("项目类别", v.label(), v.code())));
    codes.extend(Construction::ALL.iter().map(|v| ("建设性质", v.label(), v.code())));
    codes.extend(Funding::ALL.iter().map(|v| ("资金方式", v.label(), v.code())));
    codes.extend([("是/否", "是", "yes / true / 1"), ("是/否", "否", "no / false / 0")]);
    for (list, label, code) in codes {
        ws.write_string(row, 0, list)?;
        ws.write_string(row, 1, label)?;
        ws.write_string(row, 2, code)?;
        row += 1;
    }
    Ok(())
}
