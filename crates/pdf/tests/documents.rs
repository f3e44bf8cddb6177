//! Renders the 批复 and the 备案回执, extracts their text with poppler's `pdftotext` and checks what
//! a reader must find. Without `pdftotext` (Debian: poppler-utils) the text checks are skipped
//! loudly, except under CI=true where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Page geometry in points, only in this test: money never meets a float here.
#![allow(clippy::float_arithmetic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use govit_pdf::{ApprovalReply, FilingReceipt, Imprint, PdfError};

const ART13: &str = "项目实施方案、可行性研究报告及初步设计应当包括信息资源共享分析篇(章)和密码应用方案。咨询评估单位的评估报告应当包括对信息资源共享分析篇(章)和密码应用的评估意见。项目审批部门的批复文件应当包括对信息资源共享和密码应用情况的意见。";
const ART15: &str = "核定投资3000万元以上的政务信息化项目,项目审批部门应当报市人民政府批准。";
const ART16: &str = "项目审批部门将项目委托咨询评估单位进行第三方审查并出具评估报告,咨询评估单位对项目评估报告负责。项目审批部门根据评估报告,形成项目审批文件。";
const ART8: &str = "市级党政机关、市直属事业单位的政务信息化项目,投资50万元以下的由市级党政机关、市直属事业单位自行组织实施,并向市政务服务和大数据管理局备案;投资50万元以上(含本数,下同)的由市级党政机关、市直属事业单位报项目审批部门审批。";

fn reply(project_name: &str) -> ApprovalReply {
    ApprovalReply {
        issuing_authority: "武汉市政务服务和大数据管理局".into(),
        document_number: "武数审〔2022〕15号".into(),
        addressee: "市民政局".into(),
        project_name: project_name.into(),
        project_id: "WH-2022-0007".into(),
        stage_label: "项目实施方案".into(),
        submitted_on: "2022年2月10日".into(),
        evaluated_by: Some("长江信息咨询评估有限公司".into()),
        recommended_investment_wan: Some("118.00万元".into()),
        approved_investment_wan: "115.00万元".into(),
        approved_investment_yuan: 1_150_000,
        opinions: vec![
            "信息资源共享：项目应通过市级大数据能力平台共享社会救助对象信息，编制信息资源目录，不得另建数据交换通道。".into(),
            "密码应用：项目应按照商用密码应用方案同步建设密码保障系统，采用SM2、SM3、SM4算法，建成后开展密码应用安全性评估。".into(),
        ],
        government_approval_note: None,
        regulation: "武汉市政务信息化项目建设管理办法".into(),
        articles: vec![("第十三条".into(), ART13.into()), ("第十六条".into(), ART16.into())],
        date: "2022年3月18日".into(),
        imprint: Some(Imprint {
            copy_to: vec!["市财政局".into(), "市委网信办".into(), "市委机要保密和档案局".into()],
            issued_by: "武汉市政务服务和大数据管理局办公室".into(),
            issued_on: "2022年3月18日".into(),
        }),
        note: Some("审批人：武汉市政务服务和大数据管理局 刘建华(市政务服务和大数据管理局)".to_owned()),
    }
}

fn receipt() -> FilingReceipt {
    FilingReceipt {
        issuing_authority: "武汉市政务服务和大数据管理局".into(),
        document_number: "武数备〔2022〕7号".into(),
        addressee: "市档案馆".into(),
        project_name: "档案数字化加工服务项目".into(),
        project_id: "WH-2022-0031".into(),
        subject: "".into(),
        filed_on: "2022年4月2日".into(),
        investment_wan: "38.50万元".into(),
        investment_yuan: 385_000,
        route_note: "投资50万元以下，由项目建设单位自行组织实施，并向市政务服务和大数据管理局备案".into(),
        remarks: vec!["项目应落实信息资源共享要求，并同步规划、同步建设、同步运行密码保障系统。".into()],
        regulation: "武汉市政务信息化项目建设管理办法".into(),
        articles: vec![("第八条".into(), ART8.into())],
        date: "2022年4月6日".into(),
        imprint: None,
        note: None,
    }
}

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("govit-pdf");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The text of a PDF as `pdftotext -layout` sees it, or None (after saying so) without poppler.
fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
    let path = out_dir().join(name);
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(err) => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(!ci, "pdftotext is required under CI=true (apt-get install poppler-utils): {err}");
            // Straight to the process's stderr: libtest captures eprintln! of passing tests.
            let message = format!(
                "SKIPPED the text checks of {name}: pdftotext not found ({err}); apt-get install poppler-utils"
            );
            let bar = "*".repeat(message.chars().count());
            let _ = writeln!(std::io::stderr(), "\n{bar}\n{message}\n{bar}");
            None
        }
    }
}

/// Whitespace removed: justified CJK lines and line breaks put spaces and newlines anywhere.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_has(text: &str, wanted: &[&str]) {
    let flat = squeeze(text);
    for w in wanted {
        assert!(flat.contains(&squeeze(w)), "missing {w:?} in the PDF text:\n{text}");
    }
}

#[test]
fn approval_reply_states_everything_the_regulation_asks() {
    let started = Instant::now();
    let pdf = govit_pdf::approval_reply(&reply("武汉市社会救助信息系统")).unwrap();
    eprintln!("批复: {} bytes in {:?}", pdf.len(), started.elapsed());
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let Some(text) = pdftotext(&pdf, "approval.pdf") else { return };
    assert_has(
        &text,
        &[
            "武汉市政务服务和大数据管理局",
            "武数审〔2022〕15号",
            "关于武汉市社会救助信息系统项目实施方案的批复",
            "市民政局：",
            "武汉市社会救助信息系统",
            "WH-2022-0007",
            "长江信息咨询评估有限公司",
            "118.00万元",
            "核定项目总投资115.00万元（1,150,000元）",
            "信息资源共享",
            "密码应用",
            "第十三条",
            "第十六条",
            "项目审批部门的批复文件应当包括对信息资源共享和密码应用情况的意见",
            "此复。",
            "2022年3月18日",
            "抄送：市财政局，市委网信办，市委机要保密和档案局。",
            "2022年3月18日印发",
        ],
    );
    signature_block_after_gb_t_9704(&pdf, "approval-words.pdf", "武汉市政务服务和大数据管理局", "2022年3月18日");
}

/// Words with their boxes (points, origin top left), as `pdftotext -bbox` reports them.
fn words(pdf: &[u8], name: &str) -> Vec<(String, f64, f64, f64, f64)> {
    let path = out_dir().join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg("-bbox").arg(&path).arg("-").output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, key: &str| -> f64 {
        let start = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned();
            (text, attr(l, "xMin"), attr(l, "yMin"), attr(l, "xMax"), attr(l, "yMax"))
        })
        .collect()
}

/// 不加盖印章的公文: 发文机关署名右空二字，成文日期在其下一行、首字比署名首字右移二字；
/// 成文日期长于署名时署名右移，使成文日期右空二字
/// (the 版心 ends 26 mm from the right edge of A4: 595.28 pt − 73.70 pt = 521.57 pt; 二字 = 32 pt).
fn signature_block_after_gb_t_9704(pdf: &[u8], name: &str, signature: &str, date: &str) {
    let words = words(pdf, name);
    // The last occurrences: the signature comes after every mention in the body and header.
    let sig = words.iter().rev().find(|w| w.0 == signature).expect("signature");
    let day = words.iter().rev().find(|w| w.0 == date).expect("date");
    let right_edge = 595.28 - 26.0 * 72.0 / 25.4;
    // Whichever is wider ends 二字 from the right: the signature, or the date when it is longer.
    let right = sig.3.max(day.3);
    assert!((right - (right_edge - 32.0)).abs() < 2.0, "应右空二字: {sig:?} {day:?}");
    assert!((day.1 - (sig.1 + 32.0)).abs() < 2.0, "成文日期首字应比署名首字右移二字: {day:?} {sig:?}");
    assert!(day.2 > sig.2 + 20.0 && day.2 < sig.2 + 40.0, "成文日期应在署名下一行: {day:?} {sig:?}");
}

#[test]
fn government_approval_is_noted() {
    let mut big = reply("武汉市城市运行管理平台");
    big.approved_investment_wan = "3200.00万元".into();
    big.approved_investment_yuan = 32_000_000;
    big.government_approval_note = Some("该项目核定投资3000万元以上，已报经市人民政府批准。".into());
    big.articles.push(("第十五条".into(), ART15.into()));
    big.imprint = None;
    let pdf = govit_pdf::approval_reply(&big).unwrap();
    let Some(text) = pdftotext(&pdf, "approval-government.pdf") else { return };
    assert_has(&text, &["3200.00万元（32,000,000元）", "已报经市人民政府批准", "第十五条"]);
}

#[test]
fn filing_receipt_states_the_route_and_articles() {
    let started = Instant::now();
    let pdf = govit_pdf::filing_receipt(&receipt()).unwrap();
    eprintln!("备案回执: {} bytes in {:?}", pdf.len(), started.elapsed());
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let Some(text) = pdftotext(&pdf, "filing.pdf") else { return };
    assert_has(
        &text,
        &[
            "武汉市政务服务和大数据管理局",
            "武数备〔2022〕7号",
            "关于档案数字化加工服务项目备案的回执",
            "市档案馆：",
            "38.50万元（385,000元）",
            "投资50万元以下，由项目建设单位自行组织实施",
            "信息资源共享",
            "密码",
            "第八条",
            "特此回执。",
            "2022年4月6日",
        ],
    );
}

#[test]
fn markup_characters_in_user_text_render_literally() {
    let name = r#"#set page(fill: red) $x^2$ *粗* _斜_ [链接](x) \ <tag> @ref // 注释 "引号" 数据#平台"#;
    let mut r = reply(name);
    r.addressee = "市民政局 #emph[x]".into();
    r.opinions.push("]) #panic(\"boom\") [".into());
    let pdf = govit_pdf::approval_reply(&r).unwrap();
    let Some(text) = pdftotext(&pdf, "markup.pdf") else { return };
    assert_has(&text, &[name, "市民政局 #emph[x]：", "]) #panic(\"boom\") ["]);

    let mut f = receipt();
    f.project_name = name.into();
    let pdf = govit_pdf::filing_receipt(&f).unwrap();
    let Some(text) = pdftotext(&pdf, "markup-filing.pdf") else { return };
    assert_has(&text, &[name]);
}

#[test]
fn same_input_same_bytes() {
    let a = govit_pdf::filing_receipt(&receipt()).unwrap();
    let b = govit_pdf::filing_receipt(&receipt()).unwrap();
    assert!(a == b, "rendering is not deterministic");
}

#[test]
fn a_reply_without_opinions_on_sharing_and_cryptography_is_refused() {
    let mut r = reply("武汉市社会救助信息系统");
    r.opinions = vec!["  ".into()];
    let err = govit_pdf::approval_reply(&r).unwrap_err();
    assert!(matches!(err, PdfError::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains("第十三条"), "{err}");

    let mut f = receipt();
    f.document_number = String::new();
    let err = govit_pdf::filing_receipt(&f).unwrap_err();
    assert_eq!(err.to_string(), "备案编号：不能为空");
}

#[test]
fn long_documents_flow_onto_more_pages() {
    let mut r = reply("武汉市社会救助信息系统");
    for i in 0..12 {
        r.opinions.push(format!("第{i}项补充意见：{}", "项目应当依托武汉云和市电子政务网建设运行。".repeat(4)));
    }
    let pdf = govit_pdf::approval_reply(&r).unwrap();
    let Some(text) = pdftotext(&pdf, "long.pdf") else { return };
    assert!(text.contains('\u{c}'), "expected more than one page");
    assert_has(&text, &["— 1 —", "— 2 —", "此复。"]);
}

#[test]
fn a_date_longer_than_the_signature_keeps_two_characters_from_the_right() {
    let mut f = receipt();
    f.issuing_authority = "市数据局".into();
    f.date = "2022年12月31日".into();
    let pdf = govit_pdf::filing_receipt(&f).unwrap();
    if pdftotext(&pdf, "short-signature.pdf").is_none() {
        return;
    }
    signature_block_after_gb_t_9704(&pdf, "short-signature-words.pdf", "市数据局", "2022年12月31日");
}
