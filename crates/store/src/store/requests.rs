//! Request ids: what a client's id for a command produced, kept per requester so a retry replays its own
//! first outcome and nobody else's (issue 17).

use super::log::{Body, StoredEvent};
use crate::error::StoreError;
use govit_rules::OrgName;
use sqlx::{Any, Executor, Transaction};

/// Whose key space a request id belongs to. An id is only ever looked up in the space of whoever sends it,
/// so another requester's id is simply unknown there: it cannot replay (and so read) someone else's
/// outcome, nor be burnt in advance to suppress someone else's command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    /// A person's account (its user id): every id a client sends through the pages or the API.
    Account(i64),
    /// An organisation as a whole: only ids the server derives itself from the organisation's own data (the
    /// Excel import's row keys), which no client can put into this space, and which should replay whichever
    /// of the organisation's accounts uploads the same sheet again.
    Organization(OrgName),
}

impl Requester {
    /// The stored form: `account:17`, `organization:武汉市民政局`. Ids kept before requesters were recorded
    /// have the empty requester, which nobody sends.
    fn key(&self) -> String {
        match self {
            Requester::Account(id) => format!("account:{id}"),
            Requester::Organization(name) => format!("organization:{name}"),
        }
    }
}

/// A client's id for a command, in its requester's space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    pub requester: Requester,
    pub id: String,
}

impl RequestKey {
    /// An id a person's client sent, in the space of their account.
    pub fn account(user_id: i64, id: impl Into<String>) -> RequestKey {
        RequestKey { requester: Requester::Account(user_id), id: id.into() }
    }
}

/// What a request id produced before: its events and the fingerprint of the command that produced them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneRequest {
    pub first_seq: i64,
    pub last_seq: i64,
    /// The fingerprint of the command first sent with the id; `None` for ids kept before fingerprints were
    /// (a retry of those is replayed whatever it carries, as it was then).
    pub fingerprint: Option<String>,
}

/// What a retry is answered with: the events the id produced, and the fingerprint to compare it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub fingerprint: Option<String>,
    pub events: Vec<StoredEvent>,
}

/// A request id's row waiting to be written with its batch.
pub(crate) struct RequestRow {
    pub(crate) requester: String,
    pub(crate) id: String,
    pub(crate) fingerprint: String,
    pub(crate) first_seq: i64,
    pub(crate) last_seq: i64,
}

impl RequestRow {
    pub(crate) fn new(key: &RequestKey, fingerprint: &str, first_seq: i64, last_seq: i64) -> RequestRow {
        RequestRow {
            requester: key.requester.key(),
            id: key.id.clone(),
            fingerprint: fingerprint.to_owned(),
            first_seq,
            last_seq,
        }
    }

    pub(crate) fn is(&self, key: &RequestKey) -> bool {
        self.id == key.id && self.requester == key.requester.key()
    }
}

/// The request a key names, on the pool or inside a batch's transaction.
pub(crate) async fn find_request_in<'e>(
    e: impl Executor<'e, Database = Any>,
    key: &RequestKey,
) -> Result<Option<DoneRequest>, StoreError> {
    let row: Option<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT first_seq, last_seq, fingerprint FROM requests WHERE requester = $1 AND request_id = $2",
    )
    .bind(key.requester.key())
    .bind(&key.id)
    .fetch_optional(e)
    .await?;
    Ok(row.map(|(first_seq, last_seq, fingerprint)| DoneRequest { first_seq, last_seq, fingerprint }))
}

/// The Excel import's ids kept before requesters were recorded (`import-…`, see migration 12) go to the
/// organisation that acted in the event they produced, so that a sheet uploaded again after the upgrade
/// still replays instead of registering its rows twice. Other ids stay with the empty requester: whose
/// account sent them was never recorded, so they replay for nobody.
pub(crate) async fn attribute_imports(tx: &mut Transaction<'_, Any>) -> Result<(), StoreError> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT r.request_id, e.seq, e.body FROM requests r JOIN events e ON e.seq = r.first_seq
         WHERE r.requester = '' AND r.request_id LIKE 'import-%'",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (id, seq, body) in rows {
        let body: Body = serde_json::from_str(&body).map_err(|e| StoreError::corrupt(seq, e))?;
        let Some(record) = body.record else { continue };
        sqlx::query("UPDATE requests SET requester = $1 WHERE requester = '' AND request_id = $2")
            .bind(Requester::Organization(record.actor.organization).key())
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::schema::migrate_to;
    use crate::store::Backend;
    use crate::testing::TestDatabase;

    /// A decision of 市民政局's, as the log keeps it.
    const BODY: &str = r#"{"seq":1,"recorded_at":"2022-01-05T10:00:00+08:00","record":{"on":"2022-01-05","actor":{"role":"owner","organization":"市民政局","jurisdiction":"wuhan"},"policy":"wuhan@2021-08-21","event":{"type":"construction_started","project":"wuhan-2022-0001"}}}"#;

    #[tokio::test]
    async fn ids_kept_before_requesters_go_to_the_import_s_organisation_or_to_nobody() {
        let db = TestDatabase::new().await.unwrap();
        let pool = db.raw().await.unwrap();
        let backend = if db.url().starts_with("postgres") { Backend::Postgres } else { Backend::Sqlite };
        migrate_to(&pool, backend, 9).await.unwrap();
        for seq in [1i64, 2] {
            sqlx::query("INSERT INTO events (seq, kind, occurred_on, recorded_at, body, prev_hash, hash) VALUES ($1, 'construction_started', '2022-01-05', '', $2, '', '')")
                .bind(seq)
                .bind(BODY)
                .execute(&pool)
                .await
                .unwrap();
        }
        for (id, seq) in [("import-abc:register", 1i64), ("client-7", 2)] {
            sqlx::query("INSERT INTO requests (request_id, first_seq, last_seq) VALUES ($1, $2, $2)")
                .bind(id)
                .bind(seq)
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
        let store = db.open().await.unwrap();
        let minzheng = OrgName::parse("市民政局").unwrap();
        let import = RequestKey { requester: Requester::Organization(minzheng), id: "import-abc:register".to_owned() };
        let done = store.find_request(&import).await.unwrap();
        assert_eq!(done, Some(DoneRequest { first_seq: 1, last_seq: 1, fingerprint: None }));
        let elsewhere =
            RequestKey { requester: Requester::Organization(OrgName::parse("市教育局").unwrap()), ..import };
        assert_eq!(store.find_request(&elsewhere).await.unwrap(), None);
        for user in [1, 2] {
            assert_eq!(store.find_request(&RequestKey::account(user, "client-7")).await.unwrap(), None);
        }
    }
}
