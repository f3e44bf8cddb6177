//! # govit-rules
//!
//! 《武汉市政务信息化项目建设管理办法》(2021) as pure rules. Every function here is a function of its
//! arguments: no I/O, no clock, no database. The application layer loads state, calls [`decide`], stores the
//! events it returns, and folds them back with [`state::Project::apply`]; [`derive`] says what follows on a
//! date (deadlines, overdue items, the next stage).
//!
//! Where each article lives: `docs/ARTICLES.md` at the repository root.

pub mod actor;
pub mod authz;
pub mod cards;
pub mod command;
pub mod date;
pub mod decide;
pub mod derive;
pub mod draft;
pub mod event;
pub mod ids;
pub mod money;
pub mod notice;
pub mod personal;
pub mod policy;
pub mod policy_diff;
pub mod ranking;
pub mod rating;
pub mod regulation;
pub mod remind;
pub mod standing;
pub mod state;
pub mod trail;
pub mod vocab;

pub use actor::{Actor, Person, Role};
pub use command::{Action, Command, Target};
pub use date::{Date, Year};
pub use decide::{Context, Decision, World, decide};
pub use event::{Event, Recorded};
pub use ids::{AccountName, JurisdictionId, OrgName, PersonName, ProjectId, Summary, Text};
pub use money::{Money, PositiveMoney};
pub use notice::{Article, Forbidden, Notice, Refusal, Rejection};
pub use personal::{IdNumber, Phone};
pub use policy::PolicySet;
pub use standing::{OwnerStanding, PlanStanding};
pub use state::{Plan, Project};
