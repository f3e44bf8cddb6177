//! 公文 PDF for govit: the approval reply (批复) and the filing receipt (备案回执), laid out after
//! GB/T 9704-2012《党政机关公文格式》and typeset with [Typst](https://typst.app) as a library.
//!
//! A leaf crate: it knows nothing of the other govit crates. A front end fills the plain input
//! structs from the recorded events and calls [`approval_reply`] or [`filing_receipt`].
//!
//! The data reaches the template as JSON (`/data.json` in a private typst world) and is placed as
//! strings, never parsed as markup, so no user text can change the document's structure.
//! Fonts come from Debian's `fonts-noto-cjk` (Noto Serif CJK SC for the 仿宋/小标宋 roles,
//! Noto Sans CJK SC for the 黑体 headings); nothing is downloaded.
//!
//! The same input gives the same bytes (no clock, no random identifier), so a document can be
//! stored by its SM3 digest and regenerated to check it.

mod world;

use serde::{Deserialize, Serialize};
use typst::diag::SourceDiagnostic;
use typst_layout::PagedDocument;

/// How many typst compilations a memoised result may stay unused before it is evicted. Keeps a
/// long-running server's memory bounded while repeated documents stay fast.
const CACHE_MAX_AGE: usize = 8;

/// Why a document could not be made. Messages are in Chinese, for people.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A font family the layout needs is not installed.
    #[error(
        "未找到字体“{family}”：请安装 Debian 软件包 {package}（apt-get install {package}），\
         它把 Noto Serif/Sans CJK 装到 /usr/share/fonts/opentype/noto/"
    )]
    FontNotFound {
        /// The missing family, e.g. `Noto Serif CJK SC`.
        family: String,
        /// The Debian package that provides it.
        package: &'static str,
    },
    /// The input lacks something the document must state.
    #[error("{field}：{reason}")]
    Invalid {
        /// The input field, in Chinese.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Typst rejected the document (a bug in the template or the engine).
    #[error("排版失败：{0}")]
    Typeset(String),
    /// Typst could not write the PDF.
    #[error("生成 PDF 失败：{0}")]
    Export(String),
    /// The data could not be encoded for the template.
    #[error("文档数据编码失败：{0}")]
    Data(#[from] serde_json::Error),
}

/// 版记: the lines at the foot of the last page (GB/T 9704-2012 §7.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imprint {
    /// 抄送机关, in order; none leaves the 抄送 line out.
    pub copy_to: Vec<String>,
    /// 印发机关, e.g. 武汉市政务服务和大数据管理局办公室.
    pub issued_by: String,
    /// 印发日期, e.g. 2022年3月18日 (without 印发, which is added).
    pub issued_on: String,
}

/// 批复: the approval authority's reply to a stage's application (办法第十三条、第十五条、第十六条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalReply {
    /// 发文机关 (and its 标志 in the header), e.g. 武汉市政务服务和大数据管理局.
    pub issuing_authority: String,
    /// 发文字号, e.g. 武数审〔2022〕15号.
    pub document_number: String,
    /// 主送机关: the owner, e.g. 市民政局.
    pub addressee: String,
    /// The project's name, e.g. 武汉市社会救助信息系统.
    pub project_name: String,
    /// The project's number in govit.
    pub project_id: String,
    /// What was approved, e.g. 项目实施方案, 可行性研究报告, 初步设计.
    pub stage_label: String,
    /// When the owner submitted it, e.g. 2022年2月10日.
    pub submitted_on: String,
    /// The third-party consultant that evaluated it (办法第十六条), if any.
    pub evaluated_by: Option<String>,
    /// The investment the consultant recommended, e.g. 115.00万元.
    pub recommended_investment_wan: Option<String>,
    /// The approved investment in 万元, e.g. 115.00万元.
    pub approved_investment_wan: String,
    /// The approved investment in yuan.
    pub approved_investment_yuan: i64,
    /// The opinions on 信息资源共享 and 密码应用 (办法第十三条); at least one.
    pub opinions: Vec<String>,
    /// Set when the municipal government approved (办法第十五条: 3000万元以上), e.g.
    /// 该项目核定投资3000万元以上，已报经市人民政府批准。
    pub government_approval_note: Option<String>,
    /// The regulation the articles belong to, e.g. 武汉市政务信息化项目建设管理办法.
    pub regulation: String,
    /// The articles relied on: heading (第十三条) and text.
    pub articles: Vec<(String, String)>,
    /// 成文日期, e.g. 2022年3月18日.
    pub date: String,
    /// 版记, if wanted.
    pub imprint: Option<Imprint>,
    /// 附注 naming who decided, e.g. 审批人：武汉市政务服务和大数据管理局 刘建华(市政务服务和大数据管理局).
    #[serde(default)]
    pub note: Option<String>,
}

/// 备案回执: the bureau's receipt for a filing (办法第八条、第九条、第十九条、第二十一条…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingReceipt {
    /// 发文机关, e.g. 武汉市政务服务和大数据管理局.
    pub issuing_authority: String,
    /// 备案编号 / 文号, e.g. 武数备〔2022〕7号.
    pub document_number: String,
    /// 主送机关: the filing unit.
    pub addressee: String,
    /// The project's name.
    pub project_name: String,
    /// The project's number in govit.
    pub project_id: String,
    /// What was filed, e.g. 项目 (自行组织实施), 项目调整, 项目验收.
    pub subject: String,
    /// When it was filed, e.g. 2022年4月2日.
    pub filed_on: String,
    /// The investment in 万元, e.g. 38.50万元.
    pub investment_wan: String,
    /// The investment in yuan.
    pub investment_yuan: i64,
    /// Why this is a filing and not an approval, e.g.
    /// 投资50万元以下，由项目建设单位自行组织实施，并向市政务服务和大数据管理局备案.
    pub route_note: String,
    /// Remarks to the owner (may be empty), e.g. on 信息资源共享 and 密码应用.
    pub remarks: Vec<String>,
    /// The regulation the articles belong to.
    pub regulation: String,
    /// The articles relied on: heading (第八条) and text.
    pub articles: Vec<(String, String)>,
    /// 成文日期.
    pub date: String,
    /// 版记, if wanted.
    pub imprint: Option<Imprint>,
    /// 附注 naming who filed, e.g. 备案人：市民政局 张敏(项目建设单位).
    #[serde(default)]
    pub note: Option<String>,
}

/// A block of the body, as the template draws it.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Block {
    /// A paragraph, first line indented two characters.
    P { text: String },
    /// A first-level heading (一、…) in 黑体.
    H1 { text: String },
    /// A quoted article: heading in 黑体, then its text.
    Article { heading: String, text: String },
}

/// What the template reads: everything already worded, so the template only lays out.
#[derive(Debug, Serialize)]
struct Doc<'a> {
    authority: &'a str,
    number: &'a str,
    title: String,
    /// Where the title may break when it needs two lines, e.g. [关于…项目, 实施方案的批复].
    title_parts: Vec<String>,
    addressee: &'a str,
    blocks: Vec<Block>,
    /// The closing words (此复。), kept on the page of the signature.
    closing: &'a str,
    signature: &'a str,
    date: &'a str,
    /// 附注 (GB/T 9704-2012 7.3.7), without its parentheses: who took the decision.
    note: Option<&'a str>,
    imprint: Option<&'a Imprint>,
}

/// Renders a 批复 as PDF.
///
/// # Errors
/// [`PdfError::Invalid`] when a required field is empty or there is no opinion on information
/// sharing and cryptography (办法第十三条 requires one); [`PdfError::FontNotFound`] without
/// `fonts-noto-cjk`; [`PdfError::Typeset`]/[`PdfError::Export`] if typst fails.
pub fn approval_reply(reply: &ApprovalReply) -> Result<Vec<u8>, PdfError> {
    require("发文机关", &reply.issuing_authority)?;
    require("发文字号", &reply.document_number)?;
    require("主送机关", &reply.addressee)?;
    require("项目名称", &reply.project_name)?;
    require("批复事项", &reply.stage_label)?;
    require("核定投资", &reply.approved_investment_wan)?;
    require("成文日期", &reply.date)?;
    if reply.opinions.iter().all(|o| o.trim().is_empty()) {
        return Err(PdfError::Invalid {
            field: "信息资源共享和密码应用意见",
            reason: "批复文件应当包括对信息资源共享和密码应用情况的意见（第十三条）".to_owned(),
        });
    }

    let subject = format!("{}{}", reply.project_name, reply.stage_label);
    let mut intro =
        format!("你单位于{}报送的《{}》（项目编号：{}）收悉。", reply.submitted_on, subject, reply.project_id);
    match (&reply.evaluated_by, &reply.recommended_investment_wan) {
        (Some(by), Some(wan)) => {
            intro.push_str(&format!("经委托{by}进行第三方评估，评估建议投资{wan}。"));
        }
        (Some(by), None) => intro.push_str(&format!("经委托{by}进行第三方评估。")),
        (None, Some(wan)) => intro.push_str(&format!("评估建议投资{wan}。")),
        (None, None) => {}
    }
    intro.push_str(if reply.evaluated_by.is_some() || reply.recommended_investment_wan.is_some() {
        "根据评估报告，经研究，现批复如下："
    } else {
        "经研究，现批复如下："
    });

    let mut blocks = vec![Block::P { text: intro }];
    let mut n = 0;
    let mut next = || {
        n += 1;
        numeral(n)
    };
    blocks.push(Block::H1 { text: format!("{}、核定投资", next()) });
    let mut invest = format!(
        "原则同意{subject}。核定项目总投资{}（{}元）。",
        reply.approved_investment_wan,
        yuan(reply.approved_investment_yuan)
    );
    if let Some(note) = reply.government_approval_note.as_deref().filter(|s| !s.trim().is_empty()) {
        invest.push_str(note);
    }
    blocks.push(Block::P { text: invest });

    blocks.push(Block::H1 { text: format!("{}、关于信息资源共享和密码应用的意见", next()) });
    for (i, opinion) in reply.opinions.iter().filter(|o| !o.trim().is_empty()).enumerate() {
        blocks.push(Block::P { text: format!("（{}）{}", numeral(i + 1), opinion.trim()) });
    }

    blocks.push(Block::H1 { text: format!("{}、有关要求", next()) });
    blocks.push(Block::P {
        text: "请你单位严格按照本批复核定的建设内容和投资组织实施，项目建设的资金支出按照国库集中支付有关规定执行。"
            .to_owned(),
    });
    push_articles(&mut blocks, &mut next, "本批复", &reply.regulation, &reply.articles);

    render(&Doc {
        authority: &reply.issuing_authority,
        number: &reply.document_number,
        title: format!("关于{subject}的批复"),
        title_parts: vec![format!("关于{}", reply.project_name), format!("{}的批复", reply.stage_label)],
        addressee: &reply.addressee,
        blocks,
        closing: "此复。",
        signature: &reply.issuing_authority,
        date: &reply.date,
        note: reply.note.as_deref(),
        imprint: reply.imprint.as_ref(),
    })
}

/// Renders a 备案回执 as PDF.
///
/// # Errors
/// [`PdfError::Invalid`] when a required field is empty; [`PdfError::FontNotFound`] without
/// `fonts-noto-cjk`; [`PdfError::Typeset`]/[`PdfError::Export`] if typst fails.
pub fn filing_receipt(receipt: &FilingReceipt) -> Result<Vec<u8>, PdfError> {
    require("发文机关", &receipt.issuing_authority)?;
    require("备案编号", &receipt.document_number)?;
    require("主送机关", &receipt.addressee)?;
    require("项目名称", &receipt.project_name)?;
    require("投资", &receipt.investment_wan)?;
    require("成文日期", &receipt.date)?;

    let subject = format!("{}{}", receipt.project_name, receipt.subject);
    let mut blocks = vec![Block::P {
        text: format!(
            "你单位于{}报送的{}备案材料（项目编号：{}）收悉。经核对，该项目投资{}（{}元），{}。现予备案，备案编号为{}。",
            receipt.filed_on,
            subject,
            receipt.project_id,
            receipt.investment_wan,
            yuan(receipt.investment_yuan),
            receipt.route_note.trim().trim_end_matches(['。', '；', '，']),
            receipt.document_number,
        ),
    }];
    let mut n = 0;
    let mut next = || {
        n += 1;
        numeral(n)
    };
    let remarks: Vec<&String> = receipt.remarks.iter().filter(|r| !r.trim().is_empty()).collect();
    if !remarks.is_empty() {
        blocks.push(Block::H1 { text: format!("{}、有关要求", next()) });
        for (i, remark) in remarks.into_iter().enumerate() {
            blocks.push(Block::P { text: format!("（{}）{}", numeral(i + 1), remark.trim()) });
        }
    }
    push_articles(&mut blocks, &mut next, "本回执", &receipt.regulation, &receipt.articles);

    render(&Doc {
        authority: &receipt.issuing_authority,
        number: &receipt.document_number,
        title: format!("关于{subject}备案的回执"),
        title_parts: vec![format!("关于{}", receipt.project_name), format!("{}备案的回执", receipt.subject)],
        addressee: &receipt.addressee,
        blocks,
        closing: "特此回执。",
        signature: &receipt.issuing_authority,
        date: &receipt.date,
        note: receipt.note.as_deref(),
        imprint: receipt.imprint.as_ref(),
    })
}

/// Checks that the fonts the layout needs are installed (and reads their metadata once), so a
/// server can say so at start rather than at the first document.
///
/// # Errors
/// [`PdfError::FontNotFound`] naming the family and the Debian package to install.
pub fn check_fonts() -> Result<(), PdfError> {
    world::Fonts::get().map(|_| ())
}

fn push_articles(
    blocks: &mut Vec<Block>,
    next: &mut impl FnMut() -> String,
    what: &str,
    regulation: &str,
    articles: &[(String, String)],
) {
    if articles.is_empty() {
        return;
    }
    blocks.push(Block::H1 { text: format!("{}、依据", next()) });
    let regulation = regulation.trim().trim_start_matches('《').trim_end_matches('》');
    let headings: Vec<&str> = articles.iter().map(|(h, _)| h.trim()).collect();
    let source = if regulation.is_empty() { String::new() } else { format!("《{regulation}》") };
    blocks.push(Block::P { text: format!("{what}依据{source}{}作出。条文如下：", headings.join("、")) });
    for (heading, text) in articles {
        blocks.push(Block::Article { heading: heading.trim().to_owned(), text: text.trim().to_owned() });
    }
}

fn require(field: &'static str, value: &str) -> Result<(), PdfError> {
    if value.trim().is_empty() { Err(PdfError::Invalid { field, reason: "不能为空".to_owned() }) } else { Ok(()) }
}

/// 一, 二, … 九十九 (enough for any list in a 公文); beyond that, Arabic digits.
fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: usize| DIGITS.get(d).copied().unwrap_or("");
    match n {
        1..=9 => digit(n).to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", digit(n % 10)),
        20..=99 if n.is_multiple_of(10) => format!("{}十", digit(n / 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

/// Yuan with thousands separators: 1150000 → 1,150,000.
fn yuan(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

fn render(doc: &Doc<'_>) -> Result<Vec<u8>, PdfError> {
    let data = serde_json::to_vec(doc)?;
    let world = world::DocWorld::new(data)?;
    let result = typst::compile::<PagedDocument>(&world).output;
    let pdf = result.map_err(|diags| PdfError::Typeset(describe(diags.as_slice()))).and_then(|document| {
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|diags| PdfError::Export(describe(diags.as_slice())))
    });
    typst::comemo::evict(CACHE_MAX_AGE);
    pdf
}

fn describe(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let mut s = d.message.to_string();
            for hint in &d.hints {
                s.push_str("（提示：");
                s.push_str(hint.v.as_str());
                s.push('）');
            }
            s
        })
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 21, 99, 100].into_iter().map(numeral).collect();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "二十一", "九十九", "100"]);
    }

    #[test]
    fn yuan_groups_thousands() {
        assert_eq!(yuan(0), "0");
        assert_eq!(yuan(999), "999");
        assert_eq!(yuan(1_150_000), "1,150,000");
        assert_eq!(yuan(-30_000_000), "-30,000,000");
    }
}
