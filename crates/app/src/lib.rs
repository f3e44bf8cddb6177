//! # govit-app
//!
//! The application layer: command handlers and queries, the one path every front end takes — the scenario
//! runner, the CLI and (later) HTTP. A command is loaded, decided by the pure rules and appended to the
//! store under one writer guard; a query reads projections and derives what follows on a date.

pub mod accounts;
pub mod administration;
pub mod audit;
pub mod cards;
pub mod clock;
pub mod dataset;
pub mod deliver;
pub mod demo;
pub mod describe;
pub mod documents;
mod error;
pub mod exchange;
mod execute;
mod http;
mod idempotency;
pub mod index;
pub mod keys;
pub mod listing;
mod node;
pub mod open_data;
pub mod personal;
pub(crate) mod playback;
pub mod portal;
mod query;
pub mod ranking;
pub mod rating;
pub mod remind;
pub mod scenario;
pub mod second_factor;
pub mod sso;
pub mod stats;
pub mod work;
mod writer;

pub use clock::{Clock, FixedClock, SystemClock};
pub use documents::{DocumentMeta, ProjectDocument};
pub use error::{AppError, correlation_id};
pub use execute::{CommandRequest, Executed};
pub use query::{ProjectView, RectificationCounts, StageView};

use govit_rules::PolicySet;
use govit_store::Store;
use std::sync::Arc;

/// The application: a store, the policies in force, and a clock for recording times.
#[derive(Debug)]
pub struct App {
    store: Arc<Store>,
    policies: Arc<PolicySet>,
    clock: Arc<dyn Clock>,
    /// SM4 keys for personal data; none unless [`App::with_personal_keys`] names a directory.
    personal: Option<personal::KeyRing>,
    /// Approvers and administrators must log in with a second factor ([`App::with_second_factor_required`]).
    second_factor_required: bool,
    /// Every project's row for lists and figures, kept up to date from the store.
    index: index::ProjectIndex,
    /// Decides and appends every command, in batches; started by the first command.
    writer: std::sync::OnceLock<writer::Writer>,
    /// The unified identity provider, when one is configured ([`App::with_sso`]).
    sso: Option<Arc<sso::Sso>>,
}

impl App {
    pub fn new(store: Store, policies: PolicySet, clock: Arc<dyn Clock>) -> App {
        App {
            store: Arc::new(store),
            policies: Arc::new(policies),
            clock,
            personal: None,
            second_factor_required: false,
            index: Default::default(),
            writer: Default::default(),
            sso: None,
        }
    }

    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}
