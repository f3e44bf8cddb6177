//! `govit export …` and `govit import …` on a data folder holding the demo city: the template out, filled in
//! and imported as 市民政局, the plan out again with the new proposals in it, 公文 and open data out, and a bad
//! sheet refused with its row and column and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use calamine::{Reader, Xlsx};
use common::{demo_folder, govit, ok};
use govit_app::{Clock, SystemClock};
use std::path::Path;
use std::process::Command;

fn first_sheet(path: &Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let name = book.sheet_names()[0].clone();
    book.worksheet_range(&name).unwrap().rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
}

/// The template with `rows` written under its headers, as a unit fills it in.
fn fill(template: &Path, rows: &[[&str; 8]], out: &Path) {
    let original = first_sheet(template);
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, cells) in
        (0u32..).zip(original.iter().take(2).cloned().chain(rows.iter().map(|r| r.map(str::to_owned).to_vec())))
    {
        for (c, cell) in (0u16..).zip(cells) {
            ws.write(r, c, cell).unwrap();
        }
    }
    book.save(out).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_imports_its_proposals_from_the_command_line_and_the_plan_exports_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_folder(dir.path()).await;
    let year = (SystemClock.today().format("%Y").to_string().parse::<i32>().unwrap() + 1).to_string();
    let template = dir.path().join("template.xlsx");
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["export", "template", "--year", &year, "-o"])
        .arg(&template)
        .output()
        .unwrap();
    ok(&out);

    let bad = dir.path().join("bad.xlsx");
    fill(&template, &[["街道救助数据平台", "业务应用信息系统", "新建", "政府投资建设", "很多", "否", "否", ""]], &bad);
    let out = govit(&["import", "proposals", bad.to_str().unwrap(), "--user", "minzheng", "--year", &year], &data);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("第3行“投资额(元)”") && stderr.contains("未导入"), "{stderr}");

    let good = dir.path().join("good.xlsx");
    let rows = [
        ["街道救助数据平台", "业务应用信息系统", "新建", "政府投资建设", "150万", "否", "否", ""],
        ["养老机构监管小程序", "业务应用信息系统", "新建", "政府投资建设", "20万", "否", "否", ""],
    ];
    fill(&template, &rows, &good);
    let args = ["import", "proposals", good.to_str().unwrap(), "--user", "minzheng", "--year", &year];
    let stdout = ok(&govit(&args, &data));
    assert!(stdout.contains("已导入 2 个项目"), "{stdout}");
    let again = ok(&govit(&args, &data));
    assert!(again.contains("此前已导入"), "a second import of the same sheet writes nothing new: {again}");

    let plan = dir.path().join("plan.xlsx");
    let args = ["export", "plan", "--user", "bureau", "--jurisdiction", "wuhan", "--year", &year, "-o"];
    let out =
        Command::new(env!("CARGO_BIN_EXE_govit")).args(args).arg(&plan).arg("--data").arg(&data).output().unwrap();
    ok(&out);
    let cells: Vec<String> = first_sheet(&plan).into_iter().flatten().collect();
    for name in ["街道救助数据平台", "养老机构监管小程序"] {
        assert!(cells.iter().any(|c| c == name), "the exported plan lists {name}");
    }

    let papers = dir.path().join("papers");
    let stdout = ok(&govit(&["export", "papers", papers.to_str().unwrap(), "--user", "minzheng"], &data));
    let files: Vec<String> =
        std::fs::read_dir(&papers).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(files.iter().any(|f| f.ends_with("批复") || f.contains("-批复-")), "{files:?}");
    assert!(files.iter().any(|f| f.contains("-备案回执-")), "{files:?}");
    assert!(files.iter().all(|f| f.starts_with("wuhan-")), "only 市民政局's own projects: {files:?}");
    assert!(stdout.contains(&format!("已写入 {} 份公文", files.len())), "{stdout}");

    let csv = dir.path().join("open.csv");
    let out = govit(&["export", "open-data", "--format", "csv", "-o", csv.to_str().unwrap()], &data);
    ok(&out);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}项目编号,项目名称"), "{}", &text[..80]);

    let out = govit(&["export", "plan", "--user", "nobody"], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有名为“nobody”的有效账号"));
}

#[test]
fn a_year_outside_2000_to_2100_is_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("template.xlsx");
    for year in ["20225", "1999", "明年"] {
        let done = Command::new(env!("CARGO_BIN_EXE_govit"))
            .args(["export", "template", "--year", year, "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(done.status.code(), Some(2), "--year {year}");
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert!(stderr.contains("年度须为2000到2100之间的整数"), "{stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn a_citys_history_is_written_out_and_imported_from_the_command_line_all_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("history.csv");
    let file = file.to_str().unwrap();
    let out = ok(&govit(&["demo", "--projects", "155", "--today", "2026-11-29", "--history", file], &data));
    assert!(out.contains("govit import history"), "{out}");

    // One row refers to a project no earlier row registered: the whole file is refused, with its row.
    let text = std::fs::read_to_string(file).unwrap();
    let broken = dir.path().join("broken.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = (40..lines.len())
        .find(|&i| {
            let cells: Vec<&str> = lines[i].splitn(7, ',').collect();
            cells[1].starts_with("示范-") && !cells[5].ends_with("_project")
        })
        .unwrap();
    lines[at] = lines[at].replacen(",示范-", ",外来-", 1);
    std::fs::write(&broken, lines.join("\n")).unwrap();
    let refused = govit(&["import", "history", broken.to_str().unwrap(), "--user", "admin"], &data);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    let row = format!("第{}行“project”", at + 1);
    assert!(stderr.contains(&row) && stderr.contains("未导入"), "{stderr}");

    let out = ok(&govit(&["import", "history", file, "--user", "admin"], &data));
    assert!(out.contains("155 个项目"), "{out}");
    // The imported city serves like any other (the server makes its keys and signs the log's head) and its log
    // verifies.
    let (mut server, _) = common::start(&data);
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(ok(&govit(&["audit", "verify"], &data)).contains("校验通过"));
    let again = govit(&["import", "history", file, "--user", "admin"], &data);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("尚无项目记录"));
}
