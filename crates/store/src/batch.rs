//! A batch: one write transaction in which several commands are decided and appended one after the other,
//! committed (and so made durable, one `fsync`) together. Every read inside a batch sees what the commands
//! before it in the same batch wrote — from what the batch holds, or through its transaction — so deciding
//! in a batch is the same as deciding one at a time; only the writes and the commit are shared (group
//! commit).

use crate::Store;
use crate::chain::hash_event;
use crate::error::StoreError;
use crate::personal::{PersonalRow, insert_personal_in};
use crate::store::{
    self, Body, Fold, Replay, RequestKey, RequestRow, StoredEvent, WriteGuard, find_request_in, head_in, insert_many,
};
use govit_rules::ranking::Period;
use govit_rules::standing::Watched;
use govit_rules::{JurisdictionId, OrgName, Plan, Project, ProjectId, Recorded};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// An open write transaction under the writer guard, with the chain head it has reached. What the
/// commands append is held here and written, a few multi-row statements per table, when the batch is
/// committed (or before a read that needs it in the database); reads of projects, plans and numbers the
/// batch changed are answered from what it holds.
pub struct Batch<'g> {
    tx: Transaction<'static, Any>,
    seq: i64,
    prev: [u8; 32],
    _guard: &'g WriteGuard<'g>,
    events: Vec<EventRow>,
    fold: Fold,
    /// Projects read in this batch and not changed since: the fold takes its copy from here rather than
    /// reading and parsing the row a second time when the command that read it appends.
    read: HashMap<ProjectId, Project>,
    /// Request ids done in this batch, with their events, for a retry that arrives in the same batch.
    requests: Vec<(RequestRow, Vec<StoredEvent>)>,
}

/// An event row waiting to be written.
struct EventRow {
    seq: i64,
    kind: &'static str,
    body: String,
    prev: [u8; 32],
    hash: [u8; 32],
}

/// Projects read by one statement of [`Batch::prefetch`].
const PREFETCH: usize = 256;

impl std::fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("seq", &self.seq).field("pending", &self.events.len()).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a batch: the write transaction and the chain head it starts from.
    pub async fn batch<'g>(&self, guard: &'g WriteGuard<'g>) -> Result<Batch<'g>, StoreError> {
        let mut tx = self.begin_write().await?;
        let (seq, prev) = head_in(&mut tx).await?;
        Ok(Batch {
            tx,
            seq,
            prev,
            _guard: guard,
            events: Vec::new(),
            fold: Fold::default(),
            read: HashMap::new(),
            requests: Vec::new(),
        })
    }
}

impl Batch<'_> {
    /// The events a request id of the same requester already produced, in this batch or before it, with
    /// the fingerprint of the command that produced them: what a retry is answered with.
    pub async fn replay(&mut self, key: &RequestKey) -> Result<Option<Replay>, StoreError> {
        if let Some((row, events)) = self.requests.iter().find(|(row, _)| row.is(key)) {
            return Ok(Some(Replay { fingerprint: Some(row.fingerprint.clone()), events: events.clone() }));
        }
        let Some(done) = find_request_in(&mut *self.tx, key).await? else { return Ok(None) };
        let events = store::events_between_in(&mut *self.tx, done.first_seq, done.last_seq).await?;
        Ok(Some(Replay { fingerprint: done.fingerprint, events }))
    }

    pub async fn project(&mut self, id: &ProjectId) -> Result<Option<Project>, StoreError> {
        if let Some(p) = self.fold.project(id).or_else(|| self.read.get(id)) {
            return Ok(Some(p.clone()));
        }
        let project = store::project_in(&mut *self.tx, id).await?;
        if let Some(p) = &project {
            self.read.insert(id.clone(), p.clone());
        }
        Ok(project)
    }

    /// Reads the projects `ids` into the batch in one statement (a few, for hundreds), rather than one
    /// statement each as its commands come to them: every statement is a round trip to the thread that holds
    /// the database connection. What the batch already holds is not read again.
    pub async fn prefetch<'a>(&mut self, ids: impl IntoIterator<Item = &'a ProjectId>) -> Result<(), StoreError> {
        let mut wanted: Vec<&ProjectId> =
            ids.into_iter().filter(|id| self.fold.project(id).is_none() && !self.read.contains_key(*id)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let sqlite = self.tx.backend_name() == "SQLite";
        for chunk in wanted.chunks(PREFETCH) {
            // Anonymous values on SQLite, for the reason `insert_many` gives.
            let values: Vec<String> =
                (1..=chunk.len()).map(|n| if sqlite { "?".to_owned() } else { format!("${n}") }).collect();
            let sql = format!("SELECT last_seq, state FROM projects WHERE id IN ({})", values.join(", "));
            let query = chunk.iter().fold(sqlx::query_as(sqlx::AssertSqlSafe(sql)), |q, id| q.bind(id.as_str()));
            let rows: Vec<(i64, String)> = query.fetch_all(&mut *self.tx).await?;
            for (seq, state) in rows {
                let project: Project = serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?;
                self.read.insert(project.id.clone(), project);
            }
        }
        Ok(())
    }

    pub async fn plan(&mut self, jurisdiction: &JurisdictionId, year: i32) -> Result<Option<Plan>, StoreError> {
        match self.fold.plan(jurisdiction, year) {
            Some(p) => Ok(Some(p.clone())),
            None => store::plan_in(&mut *self.tx, jurisdiction, year).await,
        }
    }

    /// Whether the ranking of `jurisdiction` for `period` was published [25], in this batch or before.
    pub async fn ranking_published(
        &mut self,
        jurisdiction: &JurisdictionId,
        period: Period,
    ) -> Result<bool, StoreError> {
        let period = period.to_string();
        if self.fold.ranking(jurisdiction.as_str(), &period) {
            return Ok(true);
        }
        let row: Option<(i64,)> = sqlx::query_as("SELECT seq FROM rankings WHERE jurisdiction = $1 AND period = $2")
            .bind(jurisdiction.as_str())
            .bind(period)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.is_some())
    }

    /// A query over every project: what the batch holds is written first.
    pub async fn proposals(&mut self, jurisdiction: &JurisdictionId, year: i32) -> Result<Vec<ProjectId>, StoreError> {
        self.flush().await?;
        store::proposals_in(&mut *self.tx, jurisdiction, year).await
    }

    /// The projects of one owner organisation that have measures or rectifications (what the batch holds
    /// written first): all that how it stands [23][25] reads (`OwnerStanding`), without loading the others.
    pub async fn owner_projects(&mut self, owner: &OrgName) -> Result<Vec<Watched>, StoreError> {
        self.flush().await?;
        store::watched_projects_in(&mut *self.tx, owner.as_str()).await
    }

    /// The number the next project registered in `jurisdiction` in `year` gets: `wuhan-2022-0001`.
    pub async fn next_project_id(&mut self, jurisdiction: &JurisdictionId, year: i32) -> Result<ProjectId, StoreError> {
        let prefix = format!("{jurisdiction}-{year}-");
        let last = match self.fold.last_number(&prefix) {
            Some(n) => Some(n),
            None => sqlx::query_as::<_, (i64,)>("SELECT last FROM project_numbers WHERE prefix = $1")
                .bind(&prefix)
                .fetch_optional(&mut *self.tx)
                .await?
                .map(|(n,)| n),
        };
        let next = last.map_or(1, |n| n + 1);
        ProjectId::parse(format!("{prefix}{next:04}")).map_err(|e| StoreError::corrupt(0, e))
    }

    /// Stores one sealed personal data record in the batch, so it is written exactly when the events that
    /// refer to it are.
    pub async fn insert_personal(&mut self, row: &PersonalRow) -> Result<(), StoreError> {
        insert_personal_in(&mut *self.tx, row).await
    }

    /// Appends records: events, chain, request id (with the fingerprint of its command) and every
    /// projection they change. On an error the batch must be dropped (rolled back): what this call did
    /// before failing is not undone on its own.
    pub async fn append(
        &mut self,
        request: Option<(&RequestKey, &str)>,
        recorded_at: &str,
        records: &[Recorded],
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let mut written = Vec::with_capacity(records.len());
        for record in records {
            let seq = self.seq + 1;
            let body = Body { seq, recorded_at: recorded_at.to_owned(), record: Some(record.clone()), security: None };
            let text = serde_json::to_string(&body).map_err(|e| StoreError::corrupt(seq, e))?;
            let hash = hash_event(&self.prev, text.as_bytes());
            for id in record.event.projects() {
                if let Some(project) = self.read.remove(id) {
                    self.fold.adopt(project);
                }
            }
            self.fold.apply(&mut self.tx, seq, record).await?;
            self.events.push(EventRow { seq, kind: record.event.kind(), body: text, prev: self.prev, hash });
            (self.seq, self.prev) = (seq, hash);
            written.push(StoredEvent {
                seq,
                recorded_at: recorded_at.to_owned(),
                hash: hex::encode(hash),
                record: record.clone(),
            });
        }
        if let (Some((key, fingerprint)), Some(first), Some(last)) = (request, written.first(), written.last()) {
            self.requests.push((RequestRow::new(key, fingerprint, first.seq, last.seq), written.clone()));
        }
        Ok(written)
    }

    /// The last sequence number appended (or the head the batch started from).
    pub fn last_seq(&self) -> i64 {
        self.seq
    }

    /// Writes what the batch holds into its transaction.
    async fn flush(&mut self) -> Result<(), StoreError> {
        let events = std::mem::take(&mut self.events);
        insert_many(
            &mut self.tx,
            "INSERT INTO events (seq, kind, body, prev_hash, hash) VALUES ",
            "",
            5,
            &events,
            |q, e| q.bind(e.seq).bind(e.kind).bind(e.body.clone()).bind(hex::encode(e.prev)).bind(hex::encode(e.hash)),
        )
        .await?;
        let requests: Vec<RequestRow> = std::mem::take(&mut self.requests).into_iter().map(|(row, _)| row).collect();
        insert_many(
            &mut self.tx,
            "INSERT INTO requests (requester, request_id, fingerprint, first_seq, last_seq) VALUES ",
            "",
            5,
            &requests,
            |q, r| {
                q.bind(r.requester.clone())
                    .bind(r.id.clone())
                    .bind(r.fingerprint.clone())
                    .bind(r.first_seq)
                    .bind(r.last_seq)
            },
        )
        .await?;
        let fold = std::mem::take(&mut self.fold);
        if !fold.is_empty() {
            fold.write(&mut self.tx).await?;
        }
        Ok(())
    }

    /// Writes and commits everything appended: when this returns, every command of the batch is durable.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        self.tx.commit().await?;
        Ok(())
    }
}
