//! Reading a proposal sheet: the workbook's bytes to checked rows, every wrong cell named by its row and column.
//! Nothing here reads the store or decides a command.

use super::{CellError, ImportError};

use super::unpack;
use crate::exchange::MAX_IMPORT_ROWS;
use crate::exchange::template::{
    F_BUNDLED, F_CATEGORY, F_CONSTRUCTION, F_FUNDING, F_INDUSTRY, F_INVESTMENT, F_NAME, F_SELF_BUILT, FIELD_KEYS,
    HEADERS, NOTES_SHEET, SHEET,
};
use calamine::{Data, Range, Reader, Xlsx};
use govit_rules::money::MoneyError;
use govit_rules::vocab::{Category, Construction, Funding};
use govit_rules::{Money, OrgName, PositiveMoney, Text, Year};
use std::io::Cursor;

/// One valid row of the sheet.
#[derive(Debug, Clone)]
pub(super) struct Proposal {
    pub(super) row: u32,
    pub(super) name: Text,
    pub(super) category: Category,
    pub(super) construction: Construction,
    pub(super) funding: Funding,
    pub(super) investment: PositiveMoney,
    pub(super) bundled: bool,
    pub(super) self_built: bool,
    pub(super) industry_authority: Option<OrgName>,
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ImportError> {
    let not = |reason: &str| Err(ImportError::NotXlsx { reason: reason.to_owned() });
    if bytes.is_empty() {
        return not("文件为空");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return not("这是Excel 97-2003(.xls)等旧格式文件,请在Excel中另存为.xlsx后再上传");
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return not("文件内容不是.xlsx格式,请使用下载的申报表模板填写后上传");
    }
    unpack::check_archive(bytes)?;
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        tracing::debug!(error = %e, "not an xlsx workbook");
        ImportError::NotXlsx {
            reason: "无法作为.xlsx工作簿读取(可能是其他Office文件或已损坏)".to_owned()
        }
    })
}

/// Header text as compared: no spaces, ASCII parentheses.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '(',
            ')' => ')',
            other => other,
        })
        .collect()
}

/// The text of a cell, or why it cannot be read as text or number.
fn cell_text(cell: Option<&Data>) -> Result<String, String> {
    match cell {
        None | Some(Data::Empty) => Ok(String::new()),
        Some(Data::String(s)) => Ok(s.trim().to_owned()),
        Some(Data::Int(i)) => Ok(i.to_string()),
        // `Display` of an f64 writes a whole number without a fraction (1200000.0 → "1200000") and any
        // fraction exactly as stored, which the amount's parser then refuses: no arithmetic on the float.
        Some(Data::Float(f)) => Ok(f.to_string()),
        Some(Data::Bool(b)) => Ok(if *b { "是" } else { "否" }.to_owned()),
        Some(Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_)) => {
            Err("应为文字或数字,不能是日期或时间".to_owned())
        }
        Some(Data::Error(e)) => Err(format!("单元格为错误值({e})")),
    }
}

/// Where the proposal table is: its sheet's range, the range row of its headers, and each field's column.
struct Table {
    range: Range<Data>,
    header: usize,
    columns: [Option<usize>; 8],
}

/// How many rows from the top the header row is looked for.
const HEADER_SEARCH_ROWS: usize = 10;

fn find_table(workbook: &mut Xlsx<Cursor<&[u8]>>) -> Result<Table, ImportError> {
    let mut names = workbook.sheet_names();
    // The template's sheet first, then the others in order; the instructions sheet never.
    names.sort_by_key(|n| n != SHEET);
    names.retain(|n| n != NOTES_SHEET);
    for name in names {
        // A chart sheet or a sheet calamine cannot read is not the proposal table: look further.
        let Some(range) = unpack::bounded_range(workbook, &name)? else { continue };
        let header = range.rows().take(HEADER_SEARCH_ROWS).position(|row| {
            row.iter().any(|c| cell_text(Some(c)).is_ok_and(|t| normalize(&t).starts_with(FIELD_KEYS[F_NAME])))
        });
        if let Some(header) = header {
            let columns = header_columns(&range, header)?;
            return Ok(Table { range, header, columns });
        }
    }
    Err(ImportError::Layout {
        reason: format!("找不到表头(应有“{}”等列),请使用申报表模板", HEADERS[F_NAME])
    })
}

fn header_columns(range: &Range<Data>, header: usize) -> Result<[Option<usize>; 8], ImportError> {
    let mut columns: [Option<usize>; 8] = [None; 8];
    let Some(row) = range.rows().nth(header) else { return Ok(columns) };
    for (col, cell) in row.iter().enumerate() {
        let text = normalize(&cell_text(Some(cell)).unwrap_or_default());
        // The longest key that the header begins with (no key is a prefix of another today; this keeps it so).
        let field =
            (0..FIELD_KEYS.len()).filter(|f| text.starts_with(FIELD_KEYS[*f])).max_by_key(|f| FIELD_KEYS[*f].len());
        if let Some(field) = field {
            if columns[field].is_some() {
                return Err(ImportError::Layout {
                    reason: format!("“{}”列出现了不止一次", HEADERS[field])
                });
            }
            columns[field] = Some(col);
        }
    }
    let missing: Vec<&str> = [F_NAME, F_CATEGORY, F_CONSTRUCTION, F_FUNDING, F_INVESTMENT]
        .into_iter()
        .filter(|f| columns[*f].is_none())
        .map(|f| HEADERS[f])
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Layout {
            reason: format!("缺少“{}”列,请使用申报表模板", missing.join("”“"))
        });
    }
    Ok(columns)
}

/// The year a title such as `2026年度…申报表` names, if any.
fn titled_year(text: &str) -> Option<i32> {
    let (before, _) = text.split_once("年度")?;
    let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
    let digits: String = digits.chars().rev().collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

pub(super) fn read_sheet(bytes: &[u8], year: Year) -> Result<Vec<Proposal>, ImportError> {
    let mut workbook = open(bytes)?;
    let table = find_table(&mut workbook)?;
    let (first_row, _) = table.range.start().unwrap_or((0, 0));
    // A title above the headers that names another year: the wrong sheet for this plan.
    for row in table.range.rows().take(table.header) {
        for cell in row {
            if let Some(named) = cell_text(Some(cell)).ok().as_deref().and_then(titled_year)
                && named != year.get()
            {
                return Err(ImportError::Layout {
                    reason: format!("申报表标题为{named}年度,与所选的{year}年度不符")
                });
            }
        }
    }
    let mut proposals = Vec::new();
    let mut errors = Vec::new();
    let mut count: u32 = 0;
    for (index, cells) in table.range.rows().enumerate().skip(table.header + 1) {
        let excel_row = first_row.saturating_add(u32::try_from(index).unwrap_or(u32::MAX)).saturating_add(1);
        let cell = |field: usize| table.columns[field].and_then(|c| cells.get(c));
        let blank = table.columns.iter().flatten().all(|c| cell_text(cells.get(*c)).is_ok_and(|t| t.is_empty()));
        if blank {
            continue;
        }
        count += 1;
        if count > MAX_IMPORT_ROWS {
            return Err(ImportError::Layout {
                reason: format!("一次最多导入{MAX_IMPORT_ROWS}个项目,请分批上传")
            });
        }
        match parse_row(excel_row, cell) {
            Ok(p) => proposals.push(p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    duplicates(&proposals, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.row, HEADERS.iter().position(|h| *h == e.column)));
        return Err(ImportError::Invalid { errors });
    }
    if proposals.is_empty() {
        return Err(ImportError::Layout { reason: "申报表中没有填写任何项目".to_owned() });
    }
    Ok(proposals)
}

/// A name that appears twice is an error on every later row that repeats it.
fn duplicates(proposals: &[Proposal], errors: &mut Vec<CellError>) {
    for (i, p) in proposals.iter().enumerate() {
        if let Some(first) = proposals[..i].iter().find(|q| q.name == p.name) {
            errors.push(CellError {
                row: p.row,
                column: HEADERS[F_NAME].to_owned(),
                reason: format!("与第{}行的项目名称重复", first.row),
            });
        }
    }
}

/// Reads one field: its value, or `None` with the error recorded against its row and column.
fn take<T>(
    errors: &mut Vec<CellError>,
    row: u32,
    field: usize,
    cell: Option<&Data>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    match cell_text(cell).and_then(|t| parse(&t)) {
        Ok(value) => Some(value),
        Err(reason) => {
            errors.push(CellError { row, column: HEADERS[field].to_owned(), reason });
            None
        }
    }
}

/// Every field of a row, checked; all of its errors when any is wrong.
fn parse_row<'a>(row: u32, cell: impl Fn(usize) -> Option<&'a Data>) -> Result<Proposal, Vec<CellError>> {
    let mut e = Vec::new();
    let name = take(&mut e, row, F_NAME, cell(F_NAME), parse_name);
    let category = take(&mut e, row, F_CATEGORY, cell(F_CATEGORY), |t| {
        closed(t, "项目类别", Category::ALL, Category::label, Category::code)
    });
    let construction = take(&mut e, row, F_CONSTRUCTION, cell(F_CONSTRUCTION), |t| {
        closed(t, "建设性质", Construction::ALL, Construction::label, Construction::code)
    });
    let funding = take(&mut e, row, F_FUNDING, cell(F_FUNDING), |t| {
        closed(t, "资金方式", Funding::ALL, Funding::label, Funding::code)
    });
    let investment = take(&mut e, row, F_INVESTMENT, cell(F_INVESTMENT), parse_amount);
    let bundled = take(&mut e, row, F_BUNDLED, cell(F_BUNDLED), yes_no);
    let self_built = take(&mut e, row, F_SELF_BUILT, cell(F_SELF_BUILT), yes_no);
    let industry_authority = take(&mut e, row, F_INDUSTRY, cell(F_INDUSTRY), parse_industry);
    match (name, category, construction, funding, investment, bundled, self_built, industry_authority) {
        (
            Some(name),
            Some(category),
            Some(construction),
            Some(funding),
            Some(investment),
            Some(bundled),
            Some(self_built),
            Some(industry_authority),
        ) => Ok(Proposal {
            row,
            name,
            category,
            construction,
            funding,
            investment,
            bundled,
            self_built,
            industry_authority,
        }),
        _ => Err(e),
    }
}

fn parse_name(text: &str) -> Result<Text, String> {
    if text.is_empty() {
        return Err("必填,不能为空".to_owned());
    }
    Text::parse(text).map_err(|e| e.named("项目名称").to_string())
}

/// A member of a closed list by its Chinese label or its English code.
fn closed<T: Copy>(
    text: &str,
    what: &str,
    all: &[T],
    label: fn(T) -> &'static str,
    code: fn(T) -> &'static str,
) -> Result<T, String> {
    if text.is_empty() {
        return Err("必填,不能为空".to_owned());
    }
    let wanted = normalize(text);
    all.iter().copied().find(|v| normalize(label(*v)) == wanted || code(*v).eq_ignore_ascii_case(&wanted)).ok_or_else(
        || {
            let options: Vec<&str> = all.iter().map(|v| label(*v)).collect();
            format!("“{text}”不是有效的{what},应为:{}", options.join("、"))
        },
    )
}

/// Integer yuan (`1200000`, `1,200,000元`) or 万 (`120万`, `120万元`, up to four decimals), more than zero.
fn parse_amount(text: &str) -> Result<PositiveMoney, String> {
    if text.is_empty() {
        return Err("必填,不能为空".to_owned());
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.strip_suffix("万元").map_or(compact.clone(), |n| format!("{n}万"));
    match Money::parse(&compact) {
        Ok(m) => PositiveMoney::new(m).map_err(|e| e.to_string()),
        Err(MoneyError::Negative) => Err(format!("“{text}”为负数,投资额不能为负数")),
        Err(MoneyError::TooLarge) => Err(format!("“{text}”金额过大")),
        Err(MoneyError::Malformed) => {
            Err(format!("“{text}”不是有效金额:须为整数元(如 1200000),或以“万”为单位(如“120万”,最多四位小数)"))
        }
    }
}

/// 是/否 (also yes/no, true/false, 1/0); empty is 否.
fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "是" | "yes" | "y" | "true" | "1" => Ok(true),
        "否" | "no" | "n" | "false" | "0" | "" => Ok(false),
        _ => Err(format!("“{text}”应填“是”或“否”")),
    }
}

fn parse_industry(text: &str) -> Result<Option<OrgName>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    OrgName::parse(text).map(Some).map_err(|e| e.named("行业主管部门").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_yuan_or_wan() {
        assert_eq!(
            parse_amount("1200000").map(PositiveMoney::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_amount("120万").map(PositiveMoney::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_amount("120 万元").map(PositiveMoney::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_amount("1,200,000元").map(PositiveMoney::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert!(parse_amount("-5").is_err_and(|e| e.contains("负数")));
        assert!(parse_amount("12.5").is_err_and(|e| e.contains("不是有效金额")));
        assert!(parse_amount("0").is_err_and(|e| e.contains("大于0")));
    }

    #[test]
    fn closed_lists_take_labels_or_codes() {
        let parse = |t: &str| closed(t, "项目类别", Category::ALL, Category::label, Category::code);
        assert_eq!(parse("业务应用信息系统"), Ok(Category::BusinessApplication));
        assert_eq!(parse("business_application"), Ok(Category::BusinessApplication));
        assert_eq!(parse("楼宇智能化(含会议、视频等系统)"), Ok(Category::BuildingIntelligence));
        assert!(parse("办公软件").is_err_and(|e| e.contains("业务应用信息系统")));
    }

    #[test]
    fn a_title_names_its_year() {
        assert_eq!(titled_year("2026年度政务信息化项目年度计划申报表"), Some(2026));
        assert_eq!(titled_year("武汉市2027年度"), Some(2027));
        assert_eq!(titled_year("年度计划"), None);
    }
}
