//! The JSON API's command body (`POST /api/v1/commands`, `{do, with, request_id, attachments}`) and the
//! amount parser: any bytes must decode or give an error, never a panic.
//!
//! Decoded three ways: as `govit_web::api` does it (the body into its own struct through
//! `serde_path_to_error`, then `{do, with}` rebuilt as a JSON value and decoded as a `Command`); straight from
//! the bytes as a `Command`; and, when the bytes are text, as an amount (`Money::parse`) and a share
//! (`BasisPoints::parse`).
#![no_main]

use govit_rules::money::BasisPoints;
use govit_rules::{Command, JurisdictionId, Money, OrgName, ProjectId, Text};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A copy of `CommandBody` in crates/web/src/api/commands.rs (private there; govit-web is too heavy to fuzz against).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CommandBody {
    #[serde(rename = "do")]
    action: String,
    #[serde(default)]
    with: Map<String, Value>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    attachments: Vec<String>,
}

fn use_command(command: &Command) {
    let _ = command.action();
    let _ = command.target();
    let _ = serde_json::to_vec(command);
}

fuzz_target!(|data: &[u8]| {
    // As the API decodes it.
    let mut de = serde_json::Deserializer::from_slice(data);
    let body: Result<CommandBody, _> = serde_path_to_error::deserialize(&mut de);
    if let Ok(body) = body {
        let value = json!({ "do": body.action, "with": body.with });
        let command: Result<Command, _> = serde_path_to_error::deserialize(value);
        match command {
            Ok(command) => use_command(&command),
            Err(e) => {
                let _ = e.path().to_string();
            }
        }
    }
    // Straight from the bytes.
    if let Ok(command) = serde_json::from_slice::<Command>(data) {
        use_command(&command);
    }
    // The text parsers a command's fields go through.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(money) = Money::parse(text) {
            let _ = money.to_string();
            assert_eq!(Money::parse(&money.yuan().to_string()), Ok(money), "an amount reads back as its yuan");
        }
        let _ = BasisPoints::parse(text);
        let _ = ProjectId::parse(text);
        let _ = JurisdictionId::parse(text);
        let _ = OrgName::parse(text);
        let _ = Text::parse(text);
    }
});
