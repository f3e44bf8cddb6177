//! Retries by request id, as the IETF `Idempotency-Key` draft has them: an id belongs to whoever sent it
//! ([`govit_store::Requester`]), a retry with the same command replays the first outcome, and the same id
//! with another command is a conflict — never a way to read or suppress someone else's command (issue 17).

use crate::writer::done_with;
use crate::{AppError, Executed};
use govit_rules::Command;
use govit_store::Replay;
use sm3::{Digest, Sm3};

/// What tells a retry from another command sent under the same id: SM3 of the command and its attachments
/// as JSON (a command serialises the same way each time: structs and sorted sets, no hash maps). The date
/// is not part of it: people's commands are dated by the server, and a retry the next day is still a retry.
/// Nor is a leader's phone or ID number: their digest, kept in the database, would let anyone reading it
/// try guesses against them, which is what sealing them with SM4 prevents; a retry that differs only in
/// them replays.
pub(crate) fn fingerprint(command: &Command, attachments: &[String]) -> Result<String, AppError> {
    let mut command = command.clone();
    if let Command::AppointTeam { leader_phone, leader_id_number, contact, .. } = &mut command {
        (*leader_phone, *leader_id_number, *contact) = (None, None, None);
    }
    let json =
        serde_json::to_vec(&(&command, attachments)).map_err(|e| AppError::internal(format!("命令无法序列化:{e}")))?;
    Ok(hex::encode(Sm3::digest(json)))
}

/// The answer to a request id used before by the same requester: the first outcome for the same command,
/// a conflict for another one.
pub(crate) fn replayed(replay: Replay, fingerprint: &str) -> Result<Executed, AppError> {
    match replay.fingerprint {
        Some(first) if first != fingerprint => Err(AppError::Conflict {
            field: "request_id".to_owned(),
            reason:
                "该请求编号(Idempotency-Key)已用于内容不同的另一请求;重试须与首次请求完全相同,新的请求须使用新的编号"
                    .to_owned(),
        }),
        _ => Ok(done_with(replay.events, true)),
    }
}
