//! The authorization matrix (`authz_matrix.csv`) as a table: its marks, the six subjects of every cell, and
//! every action row of the full product.

use govit_rules::vocab::Area;
use govit_rules::{Action, Role};
use std::collections::{BTreeMap, BTreeSet};

/// The table. See its header for the meaning of the columns and marks.
const MATRIX: &str = include_str!("../authz_matrix.csv");
/// The row of the table that says who sees the project.
pub const VIEW: &str = "view";
/// The rows of the acts of administration (三员分立), whose subject plays no part.
pub const ADMINISTRATION: [&str; 4] = [
    "administer:manage_organizations",
    "administer:manage_accounts",
    "administer:grant_roles",
    "administer:read_audit",
];

/// One mark of a cell: `A` (allowed) or `V` (visible) against `-` (forbidden, not visible).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Yes,
    No,
}

/// Where the subject lies and which authority approves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// A municipal project (wuhan) the bureau approves.
    City,
    /// A district project (jiangan) the district's own authority approves [29].
    District,
    /// A municipal hospital project its industry authority approves [9].
    Industry,
}

/// Whether the acting account's organisation is the one the project concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tie {
    Own,
    Other,
}

/// The six subjects of every cell, in the table's order.
pub const SLOTS: [(Place, Tie); 6] = [
    (Place::City, Tie::Own),
    (Place::City, Tie::Other),
    (Place::District, Tie::Own),
    (Place::District, Tie::Other),
    (Place::Industry, Tie::Own),
    (Place::Industry, Tie::Other),
];

pub fn slot_name((place, tie): (Place, Tie)) -> String {
    format!("{place:?}.{tie:?}").to_lowercase()
}

/// The table's cells by (row, role). A row is an action code, `order_rectification:<area>`, or `view`.
pub struct Table {
    cells: BTreeMap<(String, Role), [Mark; 6]>,
}

impl Table {
    pub fn parse() -> Table {
        let mut lines = MATRIX.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
        let header: Vec<&str> = lines.next().expect("a header").split(',').map(str::trim).collect();
        assert_eq!(header[0], "action", "the first column names the action");
        let roles: Vec<Role> = header[1..]
            .iter()
            .map(|c| Role::from_code(c).unwrap_or_else(|| panic!("the table names an unknown role `{c}`")))
            .collect();
        let known: BTreeSet<String> = rows()
            .into_iter()
            .map(|r| r.key)
            .chain([VIEW.to_owned()])
            .chain(ADMINISTRATION.map(str::to_owned))
            .collect();
        let mut cells = BTreeMap::new();
        for line in lines {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            assert_eq!(fields.len(), header.len(), "a row with one cell per role: {line}");
            let row = fields[0];
            assert!(known.contains(row), "the table names an unknown action `{row}`");
            let yes = if row == VIEW { 'V' } else { 'A' };
            for (role, cell) in roles.iter().zip(&fields[1..]) {
                let marks: Vec<Mark> = cell
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| match c {
                        '-' => Mark::No,
                        c if c == yes => Mark::Yes,
                        c => panic!("`{row}` × {}: `{c}` is not a mark of this row (`{yes}` or `-`)", role.code()),
                    })
                    .collect();
                let marks: [Mark; 6] = marks
                    .try_into()
                    .unwrap_or_else(|m: Vec<Mark>| panic!("`{row}` × {}: six marks, not {}", role.code(), m.len()));
                let fresh = cells.insert((row.to_owned(), *role), marks).is_none();
                assert!(fresh, "`{row}` × {} is in the table twice", role.code());
            }
        }
        Table { cells }
    }

    /// The marks of a cell; a cell the table leaves out is denied (deny by default).
    pub fn marks(&self, row: &str, role: Role) -> [Mark; 6] {
        self.cells.get(&(row.to_owned(), role)).copied().unwrap_or([Mark::No; 6])
    }
}

/// One action row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub action: Action,
    /// The area of an `order_rectification` row.
    pub area: Option<Area>,
    /// `register_project:elsewhere`: a new project in the other jurisdiction than the subject's.
    pub elsewhere: bool,
}

/// Every action row of the full product: each action once, `order_rectification` once per area since the
/// supervising departments' duties differ by area [25], and `register_project` once more in a jurisdiction
/// other than the owner's own.
pub fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for action in Action::ALL {
        let row = |key: String, area, elsewhere| Row { key, action: *action, area, elsewhere };
        match action {
            Action::OrderRectification => {
                for area in Area::ALL {
                    rows.push(row(format!("{}:{}", action.code(), area.code()), Some(*area), false));
                }
            }
            Action::RegisterProject => {
                rows.push(row(action.code().to_owned(), None, false));
                rows.push(row(format!("{}:elsewhere", action.code()), None, true));
            }
            _ => rows.push(row(action.code().to_owned(), None, false)),
        }
    }
    rows
}
