//! # govit-store
//!
//! One append-only event log for everything, and the read tables (projections) folded from it.
//!
//! - Each event row keeps `body`, the exact UTF-8 JSON bytes that were hashed:
//!   `hash = SM3(previous hash ‖ body)`, the first event's previous hash being 32 zero bytes. The body
//!   carries its own sequence number and recording time, so reordering or renumbering breaks the chain.
//! - An append writes its events and every projection they change in one transaction, or nothing.
//! - Projections are derived only: [`Store::rebuild_projections`] drops and refolds them from the log.
//! - Writers are serialised by [`Store::lock`]: a command loads state, decides and appends under one guard,
//!   so no decision is made on stale state.

mod accounts;
mod audit;
mod batch;
mod chain;
mod documents;
mod error;
mod notify;
mod open_data;
mod personal;
mod pg_tools;
mod schema;
mod store;
pub mod testing;
mod verify;

pub use accounts::{NO_PASSWORD, NewUser, OrganizationRow, SESSION_PASSWORD, SESSION_SSO, SessionRow, UserRow};
pub use audit::{CheckpointRow, RawEvent};
pub use batch::Batch;
pub use chain::{ChainBreak, ChainReport, GENESIS, hash_event};
pub use documents::{DocumentRow, LinkedDocument, NewDocument};
pub use error::StoreError;
pub use notify::{NewNotification, NotificationRow, Once};
pub use open_data::{NewOpenDataSet, OpenDataSetRow};
pub use personal::PersonalRow;
pub use pg_tools::{postgres_admin, postgres_tool};
/// The database driver's error, inside [`StoreError::Database`].
pub use sqlx::Error as SqlxError;
pub use store::{
    Appended, Backend, DoneRequest, Durability, Leadership, ProjectFilter, ProjectRow, ProjectionReport, Replay,
    RequestKey, Requester, SecurityRecord, StartUp, Store, StoredEvent, WriteGuard,
};
