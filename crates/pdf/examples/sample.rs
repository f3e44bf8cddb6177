//! Writes a sample 批复 and 备案回执 and prints how long each took:
//! `cargo run -p govit-pdf --release --example sample -- OUT_DIR`.

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use govit_pdf::{ApprovalReply, FilingReceipt, Imprint};

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_owned()));
    std::fs::create_dir_all(&dir)?;

    let started = Instant::now();
    govit_pdf::check_fonts()?;
    println!("fonts searched in {:?}", started.elapsed());

    let reply = ApprovalReply {
        issuing_authority: "武汉市政务服务和大数据管理局".into(),
        document_number: "武数审〔2022〕15号".into(),
        addressee: "市民政局".into(),
        project_name: "武汉市社会救助信息系统".into(),
        project_id: "WH-2022-0007".into(),
        stage_label: "项目实施方案".into(),
        submitted_on: "2022年2月10日".into(),
        evaluated_by: Some("长江信息咨询评估有限公司".into()),
        recommended_investment_wan: Some("118.00万元".into()),
        approved_investment_wan: "115.00万元".into(),
        approved_investment_yuan: 1_150_000,
        opinions: vec![
            "信息资源共享：项目应通过市级大数据能力平台共享社会救助对象信息，编制信息资源目录。".into(),
            "密码应用：项目应按照商用密码应用方案同步建设密码保障系统，建成后开展密码应用安全性评估。".into(),
        ],
        government_approval_note: None,
        regulation: "武汉市政务信息化项目建设管理办法".into(),
        articles: vec![(
            "第十三条".into(),
            "项目实施方案、可行性研究报告及初步设计应当包括信息资源共享分析篇(章)和密码应用方案。咨询评估单位的评估报告应当包括对信息资源共享分析篇(章)和密码应用的评估意见。项目审批部门的批复文件应当包括对信息资源共享和密码应用情况的意见。".into(),
        )],
        date: "2022年3月18日".into(),
        imprint: Some(Imprint {
            copy_to: vec!["市财政局".into(), "市委网信办".into()],
            issued_by: "武汉市政务服务和大数据管理局办公室".into(),
            issued_on: "2022年3月18日".into(),
        }),
        note: Some("审批人：武汉市政务服务和大数据管理局 刘建华(市政务服务和大数据管理局)".to_owned()),
    };
    let receipt = FilingReceipt {
        issuing_authority: "武汉市政务服务和大数据管理局".into(),
        document_number: "武数备〔2022〕7号".into(),
        addressee: "市档案馆".into(),
        project_name: "档案数字化加工服务项目".into(),
        project_id: "WH-2022-0031".into(),
        subject: String::new(),
        filed_on: "2022年4月2日".into(),
        investment_wan: "38.50万元".into(),
        investment_yuan: 385_000,
        route_note: "投资50万元以下，由项目建设单位自行组织实施，并向市政务服务和大数据管理局备案".into(),
        remarks: vec![],
        regulation: "武汉市政务信息化项目建设管理办法".into(),
        articles: vec![(
            "第八条".into(),
            "市级党政机关、市直属事业单位的政务信息化项目,投资50万元以下的由市级党政机关、市直属事业单位自行组织实施,并向市政务服务和大数据管理局备案;投资50万元以上(含本数,下同)的由市级党政机关、市直属事业单位报项目审批部门审批。".into(),
        )],
        date: "2022年4月6日".into(),
        imprint: None,
        note: None,
    };

    // Each round changes the numbers, so typst's memoisation cannot replay the previous round.
    let (mut reply, mut receipt) = (reply, receipt);
    for round in 1..=5_i64 {
        reply.document_number = format!("武数审〔2022〕{}号", 14 + round);
        reply.approved_investment_yuan += 10_000;
        receipt.document_number = format!("武数备〔2022〕{}号", 6 + round);
        receipt.investment_yuan += 100;
        let started = Instant::now();
        let pdf = govit_pdf::approval_reply(&reply)?;
        let approval = started.elapsed();
        std::fs::write(dir.join("批复.pdf"), &pdf)?;
        let started = Instant::now();
        let pdf = govit_pdf::filing_receipt(&receipt)?;
        let filing = started.elapsed();
        std::fs::write(dir.join("备案回执.pdf"), &pdf)?;
        println!("round {round}: 批复 {approval:?}, 备案回执 {filing:?}");
    }
    Ok(())
}
