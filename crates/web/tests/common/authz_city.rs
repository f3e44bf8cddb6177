//! The demo city the matrix is played against: a server whose accounts log in once, and the three subjects
//! (a municipal, a district and an industry project) picked out of it with the accounts of their cells.

use super::table::{Place, SLOTS, Tie};
use crate::common;
use govit_app::App;
use govit_app::demo::{DEMO_PASSWORD, DemoUser, demo_users};
use govit_rules::vocab::{Authority, Status};
use govit_rules::{Event, Project, Role};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU32;
use std::sync::Arc;

/// The demo city's last day, and so the server's today.
const TODAY: &str = "2026-11-29";

/// A real server over the demo city (as `common::spawn_demo`), with rate limits out of the way: the matrix
/// logs in every account and sends thousands of requests, which is not what the limits are about.
pub struct City {
    pub base: String,
    pub app: Arc<App>,
    clients: tokio::sync::Mutex<HashMap<String, reqwest::Client>>,
    /// Keeps the server running.
    _server: common::Server,
}

pub async fn spawn_city() -> City {
    let store = govit_store::Store::open_memory().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let today: govit_rules::Date = TODAY.parse().unwrap();
    let app = Arc::new(App::new(store, policies, Arc::new(govit_app::FixedClock::at(today))));
    govit_app::demo::seed(&app, today).await.unwrap();
    common::publish_open_data(&app, &govit_app::open_data::OpenDataConfig::default()).await;
    let options = govit_web::WebOptions {
        rate_limits: govit_web::RateLimits {
            logins_per_minute: NonZeroU32::new(100_000).unwrap(),
            api_per_minute: NonZeroU32::new(10_000_000).unwrap(),
        },
        ..govit_web::WebOptions::default()
    };
    let server = common::serve_with(app, options).await;
    let (base, app) = (server.base.clone(), server.app.clone());
    City { base, app, clients: tokio::sync::Mutex::new(HashMap::new()), _server: server }
}

impl City {
    /// A client logged in (through the JSON API) as demo account `username`; its cookie serves the pages too.
    pub async fn client(&self, username: &str) -> reqwest::Client {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(username) {
            return c.clone();
        }
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let r = common::session_client(&jar, None)
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({ "username": username, "password": DEMO_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "demo account {username} logs in");
        let csrf = r.json::<Value>().await.unwrap()["csrf"].as_str().unwrap().to_owned();
        let c = common::session_client(&jar, Some(&csrf));
        clients.insert(username.to_owned(), c.clone());
        c
    }

    pub async fn get(&self, username: &str, path: &str) -> reqwest::Response {
        self.client(username).await.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn command(&self, username: &str, body: &Value) -> (u16, Value) {
        let c = self.client(username).await;
        let r = c.post(format!("{}/api/v1/commands", self.base)).json(body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

fn demo_user(username: &str) -> &'static DemoUser {
    demo_users()
        .iter()
        .find(|u| u.username == username)
        .unwrap_or_else(|| panic!("the demo city has no account `{username}`"))
}

/// The demo account of `org` acting in `role`, if there is one.
fn account_of(org: &str, role: Role) -> Option<&'static str> {
    demo_users().iter().find(|u| u.organization == org && u.roles.contains(&role)).map(|u| u.username)
}

/// The firms that have anything to do with a project: commissioned, evaluating, post-evaluating.
pub fn firms_of(p: &Project) -> BTreeSet<String> {
    let current = p.current.as_ref();
    current
        .and_then(|c| c.consultant.as_ref())
        .into_iter()
        .chain(current.and_then(|c| c.evaluation.as_ref()).map(|e| &e.consultant))
        .chain(p.post_evaluation_by.as_ref())
        .map(|o| o.as_str().to_owned())
        .collect()
}

/// One subject of the table: a project of the demo city, and the accounts that stand in its own / other
/// cells for the roles whose powers depend on the organisation.
#[derive(Debug)]
pub struct Subject {
    pub id: String,
    pub name: String,
    /// The 建设单位, and its kind on record [2][9].
    pub owner: String,
    pub owner_kind: &'static str,
    pub jurisdiction: String,
    /// The firm commissioned on the current stage, if any.
    pub consultant: Option<String>,
    /// A 批复 or 备案回执 of the project (the sequence number of its event), if it has one.
    pub paper: Option<i64>,
    pub owners: [&'static str; 2],
    pub consultants: [&'static str; 2],
    pub industry_authorities: [&'static str; 2],
}

pub struct Fixtures {
    pub city: Subject,
    pub district: Subject,
    pub industry: Subject,
}

impl Fixtures {
    pub fn subject(&self, place: Place) -> &Subject {
        match place {
            Place::City => &self.city,
            Place::District => &self.district,
            Place::Industry => &self.industry,
        }
    }
}

/// The account that acts for `role` in the cell (`place`, `tie`). Roles whose powers do not depend on the
/// organisation have one account for both cells.
pub fn account(role: Role, subject: &Subject, tie: Tie) -> &'static str {
    let i = match tie {
        Tie::Own => 0,
        Tie::Other => 1,
    };
    match role {
        Role::Owner => subject.owners[i],
        Role::Consultant => subject.consultants[i],
        Role::IndustryAuthority => subject.industry_authorities[i],
        Role::DistrictAuthority => ["jiangan", "wuchang"][i],
        Role::Bureau => "bureau",
        Role::Government => "government",
        Role::CyberspaceOffice => "cyberspace",
        Role::DevelopmentReform => "devreform",
        Role::Finance => "finance",
        Role::Audit => "audit",
        Role::SecrecyBureau => "secrecy",
        Role::SystemAdmin => "admin",
        Role::SecurityAdmin => "secadmin",
        Role::AuditAdmin => "auditadmin",
    }
}

/// The first event of a project that stands for a paper (批复 or 备案回执).
async fn paper_of(app: &App, p: &Project) -> Option<i64> {
    let events = app.timeline(&p.id).await.unwrap();
    events
        .iter()
        .find(|e| matches!(e.record.event, Event::StageApproved { .. } | Event::RecordFiled { .. }))
        .map(|e| e.seq)
}

/// Picks the subjects out of the demo city by what the table presumes of them, and checks the accounts.
pub async fn fixtures(city: &City) -> Fixtures {
    let projects = city.app.store().project_states(None).await.unwrap();
    let consultant_of =
        |p: &Project| p.current.as_ref().and_then(|c| c.consultant.as_ref()).map(|o| o.as_str().to_owned());
    let owner_account = |p: &Project| account_of(p.owner.name.as_str(), Role::Owner);
    // Another firm with an account and nothing to do with the project.
    let stranger_firm = |p: &Project| {
        let firms = firms_of(p);
        demo_users()
            .iter()
            .find(|u| u.roles.contains(&Role::Consultant) && !firms.contains(u.organization))
            .map(|u| u.username)
            .unwrap_or_else(|| panic!("a consultant with nothing to do with {}", p.id))
    };
    let live = |p: &&Project| p.status != Status::Terminated;

    let mut city_subject = None;
    for p in projects.iter().filter(live).filter(|p| {
        p.jurisdiction.as_str() == "wuhan"
            && p.approver == Authority::Bureau
            && p.owner.name.as_str() != demo_user("minzheng").organization
            && owner_account(p).is_some()
            && consultant_of(p).is_some_and(|f| account_of(&f, Role::Consultant).is_some())
    }) {
        if let Some(paper) = paper_of(&city.app, p).await {
            let firm = consultant_of(p).unwrap();
            city_subject = Some(Subject {
                id: p.id.to_string(),
                name: p.name.to_string(),
                owner: p.owner.name.to_string(),
                owner_kind: p.owner.kind.code(),
                jurisdiction: p.jurisdiction.to_string(),
                paper: Some(paper),
                owners: [owner_account(p).unwrap(), "minzheng"],
                consultants: [account_of(&firm, Role::Consultant).unwrap(), stranger_firm(p)],
                industry_authorities: ["weijian.hangye", "jiaoyu.hangye"],
                consultant: Some(firm),
            });
            break;
        }
    }
    let city_subject = city_subject.expect(
        "the demo city has a municipal project the bureau approves, its stage commissioned to a firm with an \
         account, owned by an organisation with an account other than 市民政局, with a 批复 or 备案回执",
    );

    let p = projects
        .iter()
        .filter(live)
        .find(|p| {
            p.jurisdiction.as_str() == "jiangan"
                && p.approver == Authority::DistrictAuthority
                && p.owner.name.as_str() != demo_user("jiangan.jiaoyu").organization
                && owner_account(p).is_some()
                && consultant_of(p).is_some_and(|f| account_of(&f, Role::Consultant).is_some())
        })
        .expect(
            "the demo city has a jiangan project its district authority approves, its stage commissioned to a firm \
             with an account, owned by an organisation with an account other than 江岸区教育局",
        );
    let firm = consultant_of(p).unwrap();
    let district_subject = Subject {
        id: p.id.to_string(),
        name: p.name.to_string(),
        owner: p.owner.name.to_string(),
        owner_kind: p.owner.kind.code(),
        jurisdiction: p.jurisdiction.to_string(),
        paper: paper_of(&city.app, p).await,
        owners: [owner_account(p).unwrap(), "jiangan.jiaoyu"],
        consultants: [account_of(&firm, Role::Consultant).unwrap(), stranger_firm(p)],
        industry_authorities: ["weijian.hangye", "jiaoyu.hangye"],
        consultant: Some(firm),
    };

    let mut industry_subject = None;
    for p in projects.iter().filter(live).filter(|p| {
        p.jurisdiction.as_str() == "wuhan"
            && p.approver == Authority::IndustryAuthority
            && p.owner.name.as_str() != demo_user("yizhong").organization
            && owner_account(p).is_some()
            && p.industry_authority.as_ref().is_some_and(|o| account_of(o.as_str(), Role::IndustryAuthority).is_some())
            && firms_of(p).is_empty()
    }) {
        if let Some(paper) = paper_of(&city.app, p).await {
            let named = p.industry_authority.as_ref().unwrap().as_str();
            let other = demo_users()
                .iter()
                .find(|u| u.roles.contains(&Role::IndustryAuthority) && u.organization != named)
                .expect("a second industry authority")
                .username;
            industry_subject = Some(Subject {
                id: p.id.to_string(),
                name: p.name.to_string(),
                owner: p.owner.name.to_string(),
                owner_kind: p.owner.kind.code(),
                jurisdiction: p.jurisdiction.to_string(),
                consultant: None,
                paper: Some(paper),
                owners: [owner_account(p).unwrap(), "yizhong"],
                consultants: ["changjiang", "huazhong"],
                industry_authorities: [account_of(named, Role::IndustryAuthority).unwrap(), other],
            });
            break;
        }
    }
    let industry_subject = industry_subject.expect(
        "the demo city has a municipal project approved by a named industry authority with an account, owned by \
         an organisation with an account other than 武汉市第一中学, no firm involved, with a 批复",
    );

    let fixtures = Fixtures { city: city_subject, district: district_subject, industry: industry_subject };
    // Every account stands for the role it acts in, and the other cells are really someone else's.
    for role in Role::ALL {
        for (place, tie) in SLOTS {
            let s = fixtures.subject(place);
            let user = demo_user(account(*role, s, tie));
            assert!(user.roles.contains(role), "{} acts as {}", user.username, role.code());
        }
    }
    for place in [Place::City, Place::District, Place::Industry] {
        let s = fixtures.subject(place);
        assert_eq!(demo_user(s.owners[0]).organization, s.owner);
        assert_ne!(demo_user(s.owners[1]).organization, s.owner);
        assert_ne!(demo_user(s.consultants[0]).organization, demo_user(s.consultants[1]).organization);
        assert_ne!(
            demo_user(s.industry_authorities[0]).organization,
            demo_user(s.industry_authorities[1]).organization
        );
    }
    assert_eq!(fixtures.district.jurisdiction, "jiangan", "the own district authority's district");
    println!(
        "authz subjects: city {} ({}), district {} ({}), industry {} ({})",
        fixtures.city.id,
        fixtures.city.owner,
        fixtures.district.id,
        fixtures.district.owner,
        fixtures.industry.id,
        fixtures.industry.owner
    );
    fixtures
}
