//! 电子监察 rankings [25]: a month's table of owner units and districts, computed from the index whenever asked,
//! or — once the bureau has published that month — the table the publication froze in the log.

use crate::exchange::xlsx_error;
use crate::{App, AppError};
use govit_rules::ranking::{Period, RankRow, RankingTable, Tally, rank};
use govit_rules::{Actor, Date, Event, JurisdictionId, Role};
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook};
use serde::Serialize;
use std::collections::BTreeMap;

/// Who published a month's ranking, and when.
#[derive(Debug, Clone, Serialize)]
pub struct Publication {
    pub seq: i64,
    pub on: Date,
    pub by: String,
}

/// A month's ranking as a reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct RankingView {
    pub jurisdiction: JurisdictionId,
    pub jurisdiction_name: String,
    pub period: Period,
    pub table: RankingTable,
    /// Set when the month was published: the table is then the published one, frozen.
    pub published: Option<Publication>,
    /// The months published so far for this jurisdiction, newest first.
    pub months_published: Vec<Period>,
}

impl App {
    /// Who may read rankings: everyone who acts on projects but the consultants (a commission is not a unit
    /// under supervision) — and no administrator.
    pub fn may_read_rankings(role: Role) -> bool {
        !role.administers() && role != Role::Consultant
    }

    /// The ranking of `period` over the projects of `jurisdiction` and the districts under it, as the record
    /// stands on `today`.
    pub async fn ranking_table(
        &self,
        jurisdiction: &JurisdictionId,
        period: Period,
        today: Date,
    ) -> Result<RankingTable, AppError> {
        let mut units: BTreeMap<String, (u32, Tally)> = BTreeMap::new();
        let mut districts: BTreeMap<String, (u32, Tally)> = BTreeMap::new();
        for digest in self.digests(today).await?.iter() {
            // Only projects that existed in the month count (their number too).
            if !self.policies.covers(jurisdiction, &digest.jurisdiction) || digest.registered_on > period.last() {
                continue;
            }
            let tally = digest.facts.tally(period, today);
            for (key, map) in
                [(digest.owner.to_string(), &mut units), (self.policies.name_of(&digest.jurisdiction), &mut districts)]
            {
                let entry = map.entry(key).or_default();
                entry.0 += 1;
                entry.1.add(&tally);
            }
        }
        let rows = |map: BTreeMap<String, (u32, Tally)>| {
            let mut rows: Vec<RankRow> =
                map.into_iter().map(|(name, (projects, tally))| RankRow { rank: 0, name, projects, tally }).collect();
            rank(&mut rows);
            rows
        };
        Ok(RankingTable { units: rows(units), districts: rows(districts) })
    }

    /// The ranking `actor` reads for `period` in `jurisdiction` (its own by default): the published table when
    /// the month was published, else the one computed now.
    pub async fn ranking(
        &self,
        actor: &Actor,
        jurisdiction: Option<JurisdictionId>,
        period: Period,
    ) -> Result<RankingView, AppError> {
        if !Self::may_read_rankings(actor.role) {
            return Err(AppError::Forbidden { reason: format!("{}不查阅电子监察排名", actor.role.label()) });
        }
        let jurisdiction = jurisdiction.unwrap_or_else(|| actor.jurisdiction.clone());
        if !self.policies.contains(&jurisdiction) {
            return Err(AppError::invalid("jurisdiction", format!("没有辖区“{jurisdiction}”")));
        }
        if !self.policies.covers(&actor.jurisdiction, &jurisdiction) {
            return Err(AppError::Forbidden {
                reason: format!("{}不在本单位所属辖区内", self.policies.name_of(&jurisdiction)),
            });
        }
        let mut published = None;
        let mut months_published = Vec::new();
        for (j, p, seq) in self.store.published_rankings().await? {
            if j != jurisdiction.as_str() {
                continue;
            }
            let Ok(month) = Period::parse(&p) else { continue };
            months_published.push(month);
            if month == period {
                published = Some(seq);
            }
        }
        let (table, publication) = match published {
            Some(seq) => {
                let events = self.store.events_between(seq, seq).await?;
                let Some(e) = events.into_iter().next() else {
                    return Err(AppError::internal(format!("已发布的排名(第{seq}号事件)无法读取")));
                };
                let Event::RankingPublished { table, .. } = e.record.event else {
                    return Err(AppError::internal(format!("第{seq}号事件不是排名发布")));
                };
                (table, Some(Publication { seq, on: e.record.on, by: e.record.actor.to_string() }))
            }
            None => (self.ranking_table(&jurisdiction, period, self.clock.today()).await?, None),
        };
        Ok(RankingView {
            jurisdiction_name: self.policies.name_of(&jurisdiction),
            jurisdiction,
            period,
            table,
            published: publication,
            months_published,
        })
    }
}

/// `武汉市2026年11月电子监察排名.xlsx`.
pub fn file_name(view: &RankingView) -> String {
    format!("{}{}电子监察排名.xlsx", view.jurisdiction_name, view.period.label())
}

/// The ranking as a workbook: a sheet of units and one of districts, each with its rank and tally.
pub fn workbook(view: &RankingView) -> Result<Vec<u8>, AppError> {
    const HEADERS: [(&str, f64); 10] = [
        ("名次", 6.0),
        ("名称", 30.0),
        ("项目数", 8.0),
        ("红牌", 8.0),
        ("黄牌", 8.0),
        ("红牌天数", 10.0),
        ("责令整改", 10.0),
        ("整改核查不合格", 14.0),
        ("逾期未整改", 12.0),
        ("须重新审批的调整", 16.0),
    ];
    let title = format!("{}{}电子监察排名", view.jurisdiction_name, view.period.label());
    let note = match &view.published {
        Some(p) => format!("{}由{}发布(第{}号记录),已冻结;依据第二十五条", p.on, p.by, p.seq),
        None => "尚未发布:按导出时的记录计算;依据第二十五条".to_owned(),
    };
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_title(&title).set_author("govit"));
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin);
    for (name, rows) in [("建设单位", &view.table.units), ("辖区", &view.table.districts)] {
        let ws = book.add_worksheet();
        ws.set_name(name).map_err(xlsx_error)?;
        ws.write_string(0, 0, &title).map_err(xlsx_error)?;
        ws.write_string(1, 0, &note).map_err(xlsx_error)?;
        for (col, (header, width)) in (0u16..).zip(HEADERS) {
            ws.write_string_with_format(2, col, header, &bold).map_err(xlsx_error)?;
            ws.set_column_width(col, width).map_err(xlsx_error)?;
        }
        for (row, r) in (3u32..).zip(rows.iter()) {
            let t = &r.tally;
            ws.write_number_with_format(row, 0, r.rank, &cell).map_err(xlsx_error)?;
            ws.write_string_with_format(row, 1, &r.name, &cell).map_err(xlsx_error)?;
            let numbers = [r.projects, t.red, t.yellow, t.days_overdue, t.ordered, t.failed, t.late, t.reapprovals];
            for (col, n) in (2u16..).zip(numbers) {
                ws.write_number_with_format(row, col, n, &cell).map_err(xlsx_error)?;
            }
        }
        ws.set_freeze_panes(3, 0).map_err(xlsx_error)?;
    }
    book.save_to_buffer().map_err(xlsx_error)
}
