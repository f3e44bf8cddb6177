//! Schema migrations, applied in order at open; each runs once and is recorded in `schema_migrations`.
//!
//! They are written once, in SQLite's words, and said in PostgreSQL's by [`dialect`]: the few types that
//! differ are named the SQLite way everywhere (`INTEGER`, `INTEGER PRIMARY KEY`, `BLOB`), so one list serves
//! both and neither can fall behind.

use crate::error::StoreError;
use crate::store::{Backend, StartUp, attribute_imports};
use sqlx::AnyPool;
use std::borrow::Cow;

const MIGRATIONS: &[&str] = &[
    // 1: the log, and the projections folded from it.
    r#"
    CREATE TABLE events (
        seq          INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        occurred_on  TEXT NOT NULL,
        recorded_at  TEXT NOT NULL,
        body         TEXT NOT NULL,
        prev_hash    TEXT NOT NULL,
        hash         TEXT NOT NULL
    );
    CREATE TABLE requests (
        request_id   TEXT PRIMARY KEY,
        first_seq    INTEGER NOT NULL,
        last_seq     INTEGER NOT NULL
    );
    CREATE TABLE projects (
        id                  TEXT PRIMARY KEY,
        name                TEXT NOT NULL,
        owner               TEXT NOT NULL,
        jurisdiction        TEXT NOT NULL,
        status              TEXT NOT NULL,
        route               TEXT NOT NULL,
        approver            TEXT NOT NULL,
        category            TEXT NOT NULL,
        investment          INTEGER NOT NULL,
        approved_investment INTEGER,
        plan_year           INTEGER,
        supplementary       INTEGER NOT NULL DEFAULT 0,
        registered_on       TEXT NOT NULL,
        last_seq            INTEGER NOT NULL,
        state               TEXT NOT NULL
    );
    CREATE INDEX projects_plan ON projects (jurisdiction, plan_year, status);
    CREATE INDEX projects_owner ON projects (owner);
    CREATE INDEX projects_status ON projects (status);
    CREATE TABLE project_events (
        project  TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        PRIMARY KEY (project, seq)
    );
    CREATE TABLE plans (
        jurisdiction TEXT NOT NULL,
        year         INTEGER NOT NULL,
        status       TEXT NOT NULL,
        state        TEXT NOT NULL,
        PRIMARY KEY (jurisdiction, year)
    );
    "#,
    // 2: organisations, users and sessions. Session ids are stored only as their SM3 digest.
    r#"
    CREATE TABLE organizations (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        jurisdiction  TEXT NOT NULL,
        owner_kind    TEXT,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE users (
        id                    INTEGER PRIMARY KEY,
        username              TEXT NOT NULL UNIQUE,
        display_name          TEXT NOT NULL,
        organization_id       INTEGER NOT NULL REFERENCES organizations (id),
        roles                 TEXT NOT NULL,
        password_hash         TEXT NOT NULL,
        active                INTEGER NOT NULL DEFAULT 1,
        must_change_password  INTEGER NOT NULL DEFAULT 0,
        created_at            TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id_digest   TEXT PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users (id),
        role        TEXT NOT NULL,
        csrf        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        last_seen   TEXT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    "#,
    // 3: signed checkpoints of the chain, documents by SM3 digest, personal data encrypted with SM4.
    r#"
    CREATE TABLE checkpoints (
        seq            INTEGER PRIMARY KEY,
        head_hash      TEXT NOT NULL,
        signed_at      TEXT NOT NULL,
        key_id         TEXT NOT NULL,
        signature      TEXT NOT NULL
    );
    CREATE TABLE documents (
        digest       TEXT PRIMARY KEY,
        size         INTEGER NOT NULL,
        media_type   TEXT NOT NULL,
        filename     TEXT NOT NULL,
        uploaded_by  TEXT NOT NULL,
        uploaded_at  TEXT NOT NULL,
        content      BLOB NOT NULL
    );
    CREATE TABLE document_links (
        digest   TEXT NOT NULL REFERENCES documents (digest),
        seq      INTEGER NOT NULL,
        project  TEXT,
        PRIMARY KEY (digest, seq)
    );
    CREATE INDEX document_links_project ON document_links (project);
    CREATE TABLE personal_data (
        id          TEXT PRIMARY KEY,
        key_id      TEXT NOT NULL,
        nonce       TEXT NOT NULL,
        ciphertext  TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    "#,
    // 4: failed logins in a row and the lockout they lead to (GB/T 22239 level 3: 登录失败处理).
    r#"
    ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN locked_until TEXT;
    "#,
    // 5: the TOTP second factor. The secrets are personal_data rows (sealed with SM4); a user names them.
    // totp_last_step is the last time step accepted, so that one code is accepted once (RFC 6238 5.2).
    r#"
    ALTER TABLE users ADD COLUMN totp_secret TEXT;
    ALTER TABLE users ADD COLUMN totp_pending TEXT;
    ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
    "#,
    // 6: the order in which an event named its documents, kept explicitly (SQLite's rowid gave it before;
    // PostgreSQL has none). Links written earlier keep 0 until `govit rebuild`.
    r#"
    ALTER TABLE document_links ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    "#,
    // 7: the last number given in each jurisdiction and year, so that numbering a new project is one lookup
    // instead of counting the projects (which grew with the city); and the projects changed since a sequence
    // number, found by an index, for the read model's refresh.
    r#"
    CREATE TABLE project_numbers (
        prefix  TEXT PRIMARY KEY,
        last    INTEGER NOT NULL
    );
    INSERT INTO project_numbers (prefix, last)
        SELECT jurisdiction || '-' || substr(registered_on, 1, 4) || '-', COUNT(*) FROM projects GROUP BY 1;
    CREATE INDEX projects_last_seq ON projects (last_seq);
    "#,
    // 8: reminders of deadlines, each sent once per project, deadline, due day and threshold however often the
    // scheduler runs or restarts; the in-app notifications they (and digests) leave; users' e-mail addresses.
    r#"
    CREATE TABLE reminders_sent (
        project     TEXT NOT NULL,
        deadline    TEXT NOT NULL,
        due         TEXT NOT NULL,
        threshold   TEXT NOT NULL,
        sent_at     TEXT NOT NULL,
        PRIMARY KEY (project, deadline, due, threshold)
    );
    CREATE TABLE digests_sent (
        user_id     INTEGER NOT NULL REFERENCES users (id),
        day         TEXT NOT NULL,
        sent_at     TEXT NOT NULL,
        PRIMARY KEY (user_id, day)
    );
    CREATE TABLE notifications (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users (id),
        created_at  TEXT NOT NULL,
        kind        TEXT NOT NULL,
        title       TEXT NOT NULL,
        body        TEXT NOT NULL,
        link        TEXT,
        read_at     TEXT
    );
    CREATE INDEX notifications_user ON notifications (user_id, id);
    ALTER TABLE users ADD COLUMN email TEXT;
    "#,
    // 9: how a session was opened: `password` here, or `sso` through the city's unified identity
    // authentication (article 12), whose own factors stand in for the local second factor.
    r#"
    ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
    "#,
    // 10: every organisation that uploaded a document's bytes, not only the first: holding the bytes is what
    // lets an organisation attach a document to its own action, and a digest alone proves nothing.
    r#"
    CREATE TABLE document_holders (
        digest          TEXT NOT NULL,
        organization    TEXT NOT NULL,
        uploaded_at     TEXT NOT NULL,
        PRIMARY KEY (digest, organization)
    );
    INSERT INTO document_holders (digest, organization, uploaded_at)
        SELECT digest, uploaded_by, uploaded_at FROM documents;
    "#,
    // 11: failed logins counted per account and source address, not per account: five wrong passwords from
    // anywhere no longer lock a real user out from everywhere. Counts under way are dropped with the columns.
    r#"
    CREATE TABLE login_failures (
        user_id         INTEGER NOT NULL REFERENCES users (id),
        source          TEXT NOT NULL,
        failures        INTEGER NOT NULL,
        locked_until    TEXT,
        PRIMARY KEY (user_id, source)
    );
    ALTER TABLE users DROP COLUMN failed_logins;
    ALTER TABLE users DROP COLUMN locked_until;
    "#,
    // 12: request ids per requester (an account, or an organisation for the ids the import derives), with the
    // fingerprint of the command first sent under each: one account's id is unknown to another, and a reuse
    // with another command is told apart from a retry (issue 17). Ids kept before get the empty requester
    // and no fingerprint; the import's are then given to their organisation ([`IMPORT_REQUESTERS`]).
    r#"
    CREATE TABLE requests_by_requester (
        requester    TEXT NOT NULL,
        request_id   TEXT NOT NULL,
        fingerprint  TEXT,
        first_seq    INTEGER NOT NULL,
        last_seq     INTEGER NOT NULL,
        PRIMARY KEY (requester, request_id)
    );
    INSERT INTO requests_by_requester (requester, request_id, first_seq, last_seq)
        SELECT '', request_id, first_seq, last_seq FROM requests;
    DROP TABLE requests;
    ALTER TABLE requests_by_requester RENAME TO requests;
    "#,
    // 13: the event's date and recording time were copies of its hashed body that nothing verified (a changed
    // date passed `audit verify`, issue 17) and that only one listing read; the listing reads the body now.
    // `kind` stays, for telling security events from decisions in SQL, and `verify` checks it.
    r#"
    ALTER TABLE events DROP COLUMN occurred_on;
    ALTER TABLE events DROP COLUMN recorded_at;
    "#,
    // 14: the department duty an organisation exercises (a deciding role other than `owner`): a role is
    // granted only to an account of an organisation of its kind (issue 17). Organisations set up before take
    // the duty their accounts already act in; where accounts acted in two, the later line here wins, and the
    // 安全管理员 sees the mismatch when changing those accounts' roles.
    r#"
    ALTER TABLE organizations ADD COLUMN duty TEXT;
    UPDATE organizations SET duty = 'bureau' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"bureau"%');
    UPDATE organizations SET duty = 'government' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"government"%');
    UPDATE organizations SET duty = 'consultant' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"consultant"%');
    UPDATE organizations SET duty = 'industry_authority' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"industry_authority"%');
    UPDATE organizations SET duty = 'district_authority' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"district_authority"%');
    UPDATE organizations SET duty = 'cyberspace_office' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"cyberspace_office"%');
    UPDATE organizations SET duty = 'development_reform' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"development_reform"%');
    UPDATE organizations SET duty = 'finance' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"finance"%');
    UPDATE organizations SET duty = 'audit' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"audit"%');
    UPDATE organizations SET duty = 'secrecy_bureau' WHERE duty IS NULL
        AND id IN (SELECT organization_id FROM users WHERE roles LIKE '%"secrecy_bureau"%');
    "#,
    // 15: whether a project has measures or rectifications, the only projects an owner's standing [23][25]
    // reads: a proposal then loads those of its owner, not all of them (at 100,000 projects, thousands per
    // owner for every proposal). Set from the state the projection holds.
    r#"
    ALTER TABLE projects ADD COLUMN watched INTEGER NOT NULL DEFAULT 1;
    UPDATE projects SET watched = 0 WHERE state LIKE '%"rectifications":[]%' AND state LIKE '%"measures":[]%';
    CREATE INDEX projects_owner_watched ON projects (owner, watched);
    "#,
    // 16: the 电子监察 rankings published [25], each the event that keeps its table, by jurisdiction and month.
    r#"
    CREATE TABLE rankings (
        jurisdiction TEXT NOT NULL,
        period       TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        PRIMARY KEY (jurisdiction, period)
    );
    "#,
    // 17: the open data sets published (政务公开), each kept whole: its files in compressed parts, with their
    // digests and signatures, so that what was published on a day is served and proved later.
    r#"
    CREATE TABLE open_data_sets (
        id        INTEGER PRIMARY KEY,
        cut_at    TEXT NOT NULL,
        seq       INTEGER NOT NULL,
        row_count INTEGER NOT NULL,
        files     TEXT NOT NULL
    );
    CREATE TABLE open_data_parts (
        dataset INTEGER NOT NULL,
        file    TEXT NOT NULL,
        part    INTEGER NOT NULL,
        bytes   BLOB NOT NULL,
        PRIMARY KEY (dataset, file, part)
    );
    "#,
];

/// The migration after which the import's request ids are given to their organisations: a step that reads
/// the events' JSON, which the two backends' SQL cannot do alike.
const IMPORT_REQUESTERS: i64 = 12;

/// Empties the projections before a rebuild refolds them from the log.
pub(crate) const CLEAR_PROJECTIONS: &[&str] = &[
    "DELETE FROM projects",
    "DELETE FROM project_events",
    "DELETE FROM plans",
    "DELETE FROM document_links",
    "DELETE FROM project_numbers",
    "DELETE FROM rankings",
];

/// `sql` for `backend`: on PostgreSQL 64-bit integers, identity keys and `BYTEA`.
fn dialect(sql: &str, backend: Backend) -> Cow<'_, str> {
    match backend {
        Backend::Sqlite => Cow::Borrowed(sql),
        Backend::Postgres => Cow::Owned(
            sql.replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
                .replace("INTEGER", "BIGINT")
                .replace("BLOB", "BYTEA"),
        ),
    }
}

pub(crate) async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    migrate_to(pool, backend, MIGRATIONS.len()).await
}

/// Applies the migrations not yet applied up to `last` (1-based): all of them at open; fewer in a test
/// that sets up a database as an older govit left it.
pub(crate) async fn migrate_to(pool: &AnyPool, backend: Backend, last: usize) -> Result<(), StoreError> {
    // Two servers started at once on an empty PostgreSQL database would both create the tables: the second
    // waits here for the first to finish, then finds nothing left to do.
    let mut startup = StartUp::take(pool, backend).await?;
    let create = dialect(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        backend,
    );
    let connection = startup.connection();
    sqlx::raw_sql(sqlx::AssertSqlSafe(create.into_owned())).execute(&mut *connection).await?;
    let (current,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *connection).await?;
    let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if current > supported {
        return Err(StoreError::TooNew { found: current, supported });
    }
    let pending = MIGRATIONS.iter().enumerate().take(last).skip(usize::try_from(current).unwrap_or(usize::MAX));
    for (index, sql) in pending {
        let version = i64::try_from(index).unwrap_or(i64::MAX) + 1;
        let mut tx = sqlx::Connection::begin(&mut *connection).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(dialect(sql, backend).into_owned())).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, CURRENT_TIMESTAMP)")
            .bind(version)
            .execute(&mut *tx)
            .await?;
        if version == IMPORT_REQUESTERS {
            attribute_imports(&mut tx).await?;
        }
        tx.commit().await?;
    }
    startup.release().await
}
