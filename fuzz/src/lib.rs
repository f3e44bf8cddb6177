//! What the Excel targets share: one in-memory app per fuzzing process, and the import into it.
//!
//! A current-thread tokio runtime and an SQLite store in memory, with the shipped policies and one owner
//! organisation (市民政局, wuhan) are made on the first input and kept: a fresh app per input would cost more
//! than the import. Every input is imported for 2027 as that owner on 2026-11-29: reading, checking, the dry
//! run and the writing. A sheet that imports writes its projects, so later inputs see them (importing the same
//! rows again is a replay, as in the app).

use govit_app::administration::NewOrganization;
use govit_app::{App, FixedClock, exchange};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::vocab::OwnerKind;
use govit_rules::{Actor, Date, JurisdictionId, OrgName, Role, Year};
use govit_store::Store;
use std::sync::{Arc, OnceLock};
use tokio::runtime::Runtime;

/// The organisation the sheets are imported for.
pub const OWNER: &str = "市民政局";
/// The plan year the sheets are imported for (the title must name it).
pub const YEAR: i32 = 2027;

struct Harness {
    runtime: Runtime,
    app: App,
    actor: Actor,
    today: Date,
    verbose: bool,
}

#[allow(clippy::expect_used)]
fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let today: Date = "2026-11-29".parse().expect("a date");
        let app = runtime.block_on(async {
            let store = Store::open_memory().await.expect("an in-memory store");
            let policies = load(BUILTIN).expect("the shipped policies");
            let app = App::new(store, policies, Arc::new(FixedClock::at(today)));
            let admin = Actor {
                role: Role::SystemAdmin,
                organization: OrgName::parse("系统管理").expect("an organisation name"),
                jurisdiction: JurisdictionId::wuhan(),
                person: None,
            };
            app.create_organization(&admin, NewOrganization {
                name: OWNER.to_owned(),
                jurisdiction: "wuhan".to_owned(),
                owner_kind: Some(OwnerKind::PartyGovernmentOrgan),
                duty: None,
            })
            .await
            .expect("the owner organisation");
            app
        });
        let actor = Actor {
            role: Role::Owner,
            organization: OrgName::parse(OWNER).expect("an organisation name"),
            jurisdiction: JurisdictionId::wuhan(),
            person: None,
        };
        let verbose = std::env::var_os("GOVIT_FUZZ_VERBOSE").is_some();
        Harness { runtime, app, actor, today, verbose }
    })
}

/// Imports `bytes` as an uploaded proposal sheet: `import_proposals(app, owner, 2027, bytes, 2026-11-29)`.
/// Any outcome is fine; a panic is the finding. With `GOVIT_FUZZ_VERBOSE` set, prints the outcome (to check
/// what a seed or a saved input does: `GOVIT_FUZZ_VERBOSE=1 cargo fuzz run excel_import FILE`).
pub fn import(bytes: &[u8]) {
    let h = harness();
    let Ok(year) = Year::new(YEAR) else { return };
    let result = h.runtime.block_on(exchange::import_proposals(&h.app, &h.actor, year, bytes, h.today));
    let outcome = match result {
        Ok(report) => serde_json::to_string(&report).unwrap_or_default(),
        Err(e) => e.messages().join("\n"),
    };
    if h.verbose {
        eprintln!("{outcome}");
    }
}
