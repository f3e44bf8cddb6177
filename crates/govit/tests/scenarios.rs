//! The scenario suite through the real binary: the project's own scenarios and the format's examples
//! unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(paths: &[PathBuf]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_govit")).arg("scenario").arg("run").args(paths).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn every_scenario_of_the_project_passes() {
    let (ok, text) = run(&[repo().join("scenarios")]);
    let failures: Vec<&str> = text.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        ok && failures.is_empty(),
        "failing scenarios:\n{}\n{}",
        failures.join("\n"),
        text.lines().last().unwrap_or("")
    );
    assert!(text.lines().last().unwrap_or("").ends_with(" 0 failed"), "{text}");
}

/// The eight examples of the scenario format (`scenarios/examples/`) pass exactly as published; that the
/// copies are still the published ones is checked outside the repository (`.ci/examples.sh`).
#[test]
fn the_format_examples_pass_unchanged() {
    let (ok, text) = run(&[repo().join("scenarios/examples")]);
    assert!(ok, "{text}");
    assert!(text.ends_with("8 passed, 0 failed\n"), "{text}");
}

#[test]
fn a_failing_step_names_the_step_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(
        &file,
        "name: 错误的期望\nsteps:\n  - on: 2022-01-05\n    as: owner\n    do: register_project\n    with: {project: P, name: 某系统, owner: {name: 市某局, kind: party_government_organ}, category: standards, construction: new, funding: government_investment, investment: 500000}\n    then: {route: filing}\n",
    )
    .unwrap();
    let (ok, text) = run(&[file]);
    assert!(!ok);
    assert!(text.contains("第1步") && text.contains("then.route"), "{text}");
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
}

#[test]
fn a_malformed_scenario_names_its_step_and_field_and_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("steps:\n  - on: 2022-01-05\n    check: P\n", "name"),
        ("name: x\nsteps:\n  - on: 2022-13-05\n    check: P\n", "steps[0].on"),
        ("name: x\nsteps:\n  - on: 2022-01-05\n    as: owner\n    do: fly\n", "steps[0].do"),
        (
            "name: x\nsteps:\n  - on: 2022-01-05\n    as: owner\n    do: file_record\n    with: {project: P, colour: red}\n",
            "colour",
        ),
        ("name: x\nsteps:\n  - {on: 2022-01-05, check: P}\n  - {on: 2022-01-04, check: P}\n", "steps[1].on"),
        (
            "name: x\nsteps:\n  - on: 2022-01-05\n    as: owner\n    do: register_project\n    with: {project: P, name: n, owner: {name: a, kind: school}, category: standards, construction: new, funding: government_investment, investment: \"12.5\"}\n",
            "investment",
        ),
        ("name: x\nsteps: [\n", ""),
    ];
    for (i, (yaml, field)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("m{i}.yaml"));
        std::fs::write(&file, yaml).unwrap();
        let (ok, text) = run(&[file]);
        assert!(!ok, "case {i} passed: {text}");
        assert!(text.contains("格式错误") && text.contains(field), "case {i}: {text}");
        assert!(!text.contains("panicked"), "case {i}: {text}");
    }
}

#[test]
fn the_json_report_counts_passes_and_failures() {
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["scenario", "run", "--json"])
        .arg(repo().join("scenarios/examples/03-threshold-boundary.yaml"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], 1);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["scenarios"][0]["passed"], true);
}
