//! Records as every format sees them: named cells of text, turned into validated entries and
//! reports. CSV, JSON and HXL readers all go through here, so that a column means the same thing
//! and gets the same message in every format.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::entry::{Category, Entry, EntryBuilder, Id, Kind, Text};
use crate::error::{Error, Problem, ProblemKind, echo, nearest};
use crate::hash::TextMap;
use crate::period::{EntryDate, PartialDate};
use crate::quantity::{Quantity, Unit, parse_decimal};
use crate::report::{Mode, Qualifier, Report};

/// The columns of an entries file, in the order writers put them.
pub const ENTRY_COLUMNS: [&str; 15] = [
    "id", "date", "kind", "category", "item", "quantity", "unit", "from", "to", "via", "region", "source", "note",
    "mines", "exchange",
];

/// The columns of a reports file, in the order writers put them.
pub const REPORT_COLUMNS: [&str; 17] = [
    "id",
    "published",
    "kind",
    "category",
    "item",
    "from",
    "to",
    "via",
    "region",
    "since",
    "until",
    "value",
    "unit",
    "qualifier",
    "tolerance",
    "mode",
    "source",
];

/// Columns an entries file must have.
pub(crate) const ENTRY_REQUIRED: [&str; 4] = ["date", "kind", "quantity", "unit"];
/// Columns a reports file must have.
pub(crate) const REPORT_REQUIRED: [&str; 5] = ["id", "published", "kind", "value", "unit"];

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    Entries,
    Reports,
}

impl Table {
    /// What a record of this table is, for positions.
    pub(crate) fn record_kind(self) -> crate::error::RecordKind {
        match self {
            Table::Entries => crate::error::RecordKind::Entry,
            Table::Reports => crate::error::RecordKind::Report,
        }
    }

    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Entries => &ENTRY_COLUMNS,
            Table::Reports => &REPORT_COLUMNS,
        }
    }

    pub(crate) fn required(self) -> &'static [&'static str] {
        match self {
            Table::Entries => &ENTRY_REQUIRED,
            Table::Reports => &REPORT_REQUIRED,
        }
    }

    pub(crate) fn noun(self) -> &'static str {
        match self {
            Table::Entries => "an entries file",
            Table::Reports => "a reports file",
        }
    }

    /// The column index of `name`.
    pub(crate) fn index(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| *c == name)
    }

    /// A message for a column name that is not ours, with the nearest known name.
    pub(crate) fn unknown_column(self, name: &str) -> String {
        let other = match self {
            Table::Entries => Table::Reports,
            Table::Reports => Table::Entries,
        };
        match nearest(name, self.columns().iter().copied()) {
            Some(n) => format!("unknown column {}; did you mean {n:?}?", echo(name)),
            None if other.index(name).is_some() => {
                format!("unknown column {}: it belongs in {}, not {}", echo(name), other.noun(), self.noun())
            }
            None => format!("unknown column {}; the columns are {}", echo(name), self.columns().join(", ")),
        }
    }
}

/// A record's cells by column index (see [`ENTRY_COLUMNS`], [`REPORT_COLUMNS`]); `None` for an
/// absent column or an empty cell.
pub(crate) type Cells<'a> = [Option<&'a str>; 17];

/// Shares one copy of each repeated text (parties, regions, sources) among the entries of a file.
///
/// Texts seen lately sit in a small table indexed by a fast hash of their letters, compared for
/// real: most cells of a file repeat a few texts, and find them there without the keyed hash of
/// the map. A file that makes texts collide in the table only sends them on to the map.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: TextMap<Box<str>, Text>,
    recent: Vec<Option<Text>>,
}

/// How many distinct texts an interner keeps; past that, new texts are not shared.
const MAX_INTERNED: usize = 1 << 16;

/// Slots of the table of recent texts (a power of two).
const RECENT: usize = 1 << 12;

impl Interner {
    pub(crate) fn get(&mut self, s: &str) -> Text {
        let slot = crate::hash::recent_slot(s, RECENT);
        if let Some(Some(t)) = self.recent.get(slot) {
            if t.as_str() == s {
                return t.clone();
            }
        }
        let t = match self.map.get(s) {
            Some(t) => t.clone(),
            None => {
                let t = Arc::new(s.to_string());
                if self.map.len() < MAX_INTERNED {
                    self.map.insert(s.into(), t.clone());
                }
                t
            }
        };
        if self.recent.is_empty() {
            self.recent = vec![None; RECENT];
        }
        if let Some(r) = self.recent.get_mut(slot) {
            *r = Some(t.clone());
        }
        t
    }
}

fn missing(field: &str, table: Table) -> Problem {
    Problem::new(ProblemKind::MissingField, field, format!("is empty; {} needs a {field} in every row", table.noun()))
}

/// Moves the problems of a parse error into `problems`, naming `field` where the error did not.
fn absorb(err: Error, field: &str, problems: &mut Vec<Problem>) {
    for mut p in err.problems().iter().cloned() {
        p.field = Some(field.to_string());
        problems.push(p);
    }
}

fn parse_with<T>(
    cell: Option<&str>,
    field: &str,
    problems: &mut Vec<Problem>,
    parse: impl FnOnce(&str) -> Result<T, Error>,
) -> Option<T> {
    let s = cell?;
    match parse(s) {
        Ok(v) => Some(v),
        Err(e) => {
            absorb(e, field, problems);
            None
        }
    }
}

/// A day written `YYYY-MM-DD`, four digits of year, two of month and two of day, that is a real
/// day; `None` for anything else, which the general parser reads or names.
fn plain_day(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Parses `YYYY-MM-DD` quickly, falling back to the general parser for its message.
fn parse_day(s: &str) -> Result<chrono::NaiveDate, Error> {
    if let Some(date) = plain_day(s) {
        return Ok(date);
    }
    match s.parse::<PartialDate>()?.as_day() {
        Some(d) => Ok(d),
        None => {
            Err(Error::problem(ProblemKind::BadDate, "date", format!("{} is not a day; write YYYY-MM-DD", echo(s))))
        }
    }
}

/// Parses an entry's date: a day quickly, else a month, a year or a range `A..B`.
fn parse_entry_date(s: &str) -> Result<EntryDate, Error> {
    if s.len() == 10 {
        if let Ok(d) = parse_day(s) {
            return Ok(EntryDate::from(d));
        }
    }
    s.parse::<EntryDate>()
}

fn parse_number(s: &str, field: &str) -> Result<Decimal, Error> {
    parse_decimal(s).map_err(|e| e.in_field(field))
}

fn parse_quantity(
    value: Option<Decimal>,
    unit: Option<Unit>,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Option<Quantity> {
    let (v, u) = (value?, unit?);
    match Quantity::new(v, u) {
        Ok(q) => Some(q),
        Err(e) => {
            absorb(e, field, problems);
            None
        }
    }
}

/// An entry's cells parsed to their types, with the problems found on the way.
struct Typed {
    date: Option<EntryDate>,
    kind: Option<Kind>,
    category: Option<Category>,
    quantity: Option<Quantity>,
    mines: Option<u64>,
    problems: Vec<Problem>,
}

/// Parses the typed cells of an entry: the first half of [`entry_from_cells`], shared with
/// [`row_from_cells`].
fn typed(cells: &Cells<'_>) -> Typed {
    let t = Table::Entries;
    let mut problems = Vec::new();
    let date = parse_with(cells[1], "date", &mut problems, parse_entry_date);
    let kind = parse_with(cells[2], "kind", &mut problems, str::parse::<Kind>);
    let category = parse_with(cells[3], "category", &mut problems, str::parse::<Category>);
    let value = parse_with(cells[5], "quantity", &mut problems, |s| parse_number(s, "quantity"));
    let unit = parse_with(cells[6], "unit", &mut problems, str::parse::<Unit>);
    let mines = parse_with(cells[13], "mines", &mut problems, |s| {
        s.parse::<u64>().map_err(|_| {
            Error::problem(ProblemKind::BadNumber, "mines", format!("{} is not a whole number of mines", echo(s)))
        })
    });
    for (i, name) in [(1, "date"), (2, "kind"), (5, "quantity"), (6, "unit")] {
        if cells[i].is_none() {
            problems.push(missing(name, t));
        }
    }
    let quantity = parse_quantity(value, unit, "quantity", &mut problems);
    Typed { date, kind, category, quantity, mines, problems }
}

/// Builds an entry from its cells; `default_id` names it when the id cell is empty (no id when
/// it gives the empty string).
pub(crate) fn entry_from_cells(
    cells: &Cells<'_>,
    interner: &mut Interner,
    default_id: impl FnOnce() -> String,
) -> Result<Entry, Vec<Problem>> {
    let Typed { date, kind, category, quantity, mines, problems } = typed(cells);
    let (Some(date), Some(kind), Some(quantity)) = (date, kind, quantity) else {
        return Err(problems);
    };
    let mut text = |i: usize| cells[i].map(|s| interner.get(s));
    // One builder, made whole at once: entries are large, and every step of a chain of setters
    // would copy it.
    let b = EntryBuilder {
        kind,
        date,
        quantity,
        // An empty default leaves the entry without an id, as the builder makes it (serde's records).
        id: cells[0].map(Id::new).or_else(|| Some(default_id()).filter(|d| !d.is_empty()).map(|d| Id::new(&d))),
        category,
        mines,
        item: text(4),
        from: text(7),
        to: text(8),
        via: text(9),
        region: text(10),
        source: text(11),
        note: cells[12].map(|s| Arc::new(s.to_string())),
        fills: None,
        exchange: text(14),
    };
    finish(b.build(), problems)
}

/// An entry read from its cells and checked as [`entry_from_cells`] checks it, without building
/// it: its typed fields, and its texts borrowed from the cells.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub(crate) id: &'a str,
    pub(crate) date: EntryDate,
    pub(crate) kind: Kind,
    pub(crate) category: Option<Category>,
    pub(crate) quantity: Quantity,
    pub(crate) mines: Option<u64>,
    pub(crate) cells: &'a Cells<'a>,
}

impl<'a> Row<'a> {
    /// The text of a key of texts (item, from, to, via, region, exchange).
    pub(crate) fn text(&self, key: crate::query::Key) -> Option<Option<&'a str>> {
        use crate::query::Key;
        let i = match key {
            Key::Item => 4,
            Key::From => 7,
            Key::To => 8,
            Key::Via => 9,
            Key::Region => 10,
            Key::Exchange => 14,
            _ => return None,
        };
        Some(self.cells[i])
    }
}

/// [`entry_from_cells`] for a record whose id cell holds `id`, without building the entry: the
/// same problems, in the same order.
pub(crate) fn row_from_cells<'a>(cells: &'a Cells<'a>, id: &'a str) -> Result<Row<'a>, Vec<Problem>> {
    let Typed { date, kind, category, quantity, mines, mut problems } = typed(cells);
    let (Some(date), Some(kind), Some(quantity)) = (date, kind, quantity) else {
        return Err(problems);
    };
    let built = crate::entry::checks(&crate::entry::Checked {
        kind,
        date,
        quantity: &quantity,
        category,
        mines: mines.is_some(),
        fills: false,
        id: Some(id),
        item: cells[4],
        from: cells[7],
        to: cells[8],
        via: cells[9],
        region: cells[10],
        source: cells[11],
        note: cells[12],
        exchange: cells[14],
        visible: false,
    });
    // As the builder's problems come through `finish`: without a position.
    problems.extend(built);
    if problems.is_empty() { Ok(Row { id, date, kind, category, quantity, mines, cells }) } else { Err(problems) }
}

/// [`row_from_cells`] of a record in the form most records of a large file take, or `None`: it
/// has an id, a date to the day (`YYYY-MM-DD`), no mines and no exchange, and every value parses
/// and passes the entry's checks. `None` sends the record the general way, which makes the same
/// row of it or names its problems; a record taken here makes the row `row_from_cells` makes.
///
/// Every cell is plain, as the caller found it: it begins and ends with a visible ASCII
/// character, and not with `'` (no white space to trim, no formula quote to take off).
pub(crate) fn plain_row<'a>(cells: &'a Cells<'a>) -> Option<Row<'a>> {
    let [
        Some(id),
        Some(date),
        Some(kind),
        category,
        item,
        Some(value),
        Some(unit),
        from,
        to,
        via,
        region,
        source,
        note,
        None,
        None,
        ..,
    ] = *cells
    else {
        return None;
    };
    let date = EntryDate::from(plain_day(date)?);
    let kind = kind.parse::<Kind>().ok()?;
    let category = match category {
        Some(c) => Some(c.parse::<Category>().ok()?),
        None => None,
    };
    let quantity = Quantity::new(parse_decimal(value).ok()?, unit.parse::<Unit>().ok()?).ok()?;
    let problems = crate::entry::checks(&crate::entry::Checked {
        kind,
        date,
        quantity: &quantity,
        category,
        mines: false,
        fills: false,
        id: Some(id),
        item,
        from,
        to,
        via,
        region,
        source,
        note,
        exchange: None,
        visible: true,
    });
    problems.is_empty().then_some(Row { id, date, kind, category, quantity, mines: None, cells })
}

/// Builds a report from its cells.
pub(crate) fn report_from_cells(cells: &Cells<'_>) -> Result<Report, Vec<Problem>> {
    let t = Table::Reports;
    let mut problems = Vec::new();
    let published =
        parse_with(cells[1], "published", &mut problems, |s| parse_day(s).map_err(|e| relabel(e, "published")));
    let kind = parse_with(cells[2], "kind", &mut problems, str::parse::<Kind>);
    let category = parse_with(cells[3], "category", &mut problems, str::parse::<Category>);
    let since = parse_with(cells[9], "since", &mut problems, str::parse::<PartialDate>);
    let until = parse_with(cells[10], "until", &mut problems, str::parse::<PartialDate>);
    let value = parse_with(cells[11], "value", &mut problems, |s| parse_number(s, "value"));
    let unit = parse_with(cells[12], "unit", &mut problems, str::parse::<Unit>);
    let qualifier = parse_with(cells[13], "qualifier", &mut problems, str::parse::<Qualifier>);
    let tolerance = parse_with(cells[14], "tolerance", &mut problems, |s| parse_number(s, "tolerance"));
    let mode = parse_with(cells[15], "mode", &mut problems, str::parse::<Mode>);
    for (i, name) in [(0, "id"), (1, "published"), (2, "kind"), (11, "value"), (12, "unit")] {
        if cells[i].is_none() {
            problems.push(missing(name, t));
        }
    }
    let quantity = parse_quantity(value, unit, "value", &mut problems);
    let (Some(id), Some(published), Some(kind), Some(quantity)) = (cells[0], published, kind, quantity) else {
        return Err(problems);
    };
    let text = |i: usize| cells[i].map(Arc::<str>::from);
    let mut b = Report::builder(id, published, kind, quantity)
        .scope_texts([text(4), text(5), text(6), text(7), text(8)])
        .maybe(category, since, until, tolerance);
    if let Some(q) = qualifier {
        b = b.qualifier(q);
    }
    if let Some(m) = mode {
        b = b.mode(m);
    }
    if let Some(s) = cells[16] {
        b = b.source(s);
    }
    finish(b.build(), problems)
}

/// The built record, unless it or its cells had problems; the reader positions them.
fn finish<T>(built: Result<T, Error>, mut problems: Vec<Problem>) -> Result<T, Vec<Problem>> {
    match built {
        Ok(v) if problems.is_empty() => Ok(v),
        Ok(_) => Err(problems),
        Err(e) => {
            problems.extend(e.problems().iter().cloned().map(|mut p| {
                p.position = Default::default();
                p
            }));
            Err(problems)
        }
    }
}

fn relabel(e: Error, field: &str) -> Error {
    let problems = e
        .problems()
        .iter()
        .cloned()
        .map(|mut p| {
            p.field = Some(field.to_string());
            p
        })
        .collect();
    Error::invalid(problems)
}

/// The cells of an entry, as written (empty string for absent).
pub(crate) fn entry_cells(e: &Entry) -> [String; 15] {
    let opt = |s: Option<&str>| s.unwrap_or("").to_string();
    [
        e.id().to_string(),
        e.date().to_string(),
        e.kind().to_string(),
        e.category().map_or(String::new(), |c| c.to_string()),
        opt(e.item()),
        e.quantity().value().to_string(),
        e.quantity().unit().to_string(),
        opt(e.from()),
        opt(e.to()),
        opt(e.via()),
        opt(e.region()),
        opt(e.source()),
        opt(e.note()),
        e.event().mines().map_or(String::new(), |m| m.to_string()),
        opt(e.exchange()),
    ]
}

/// The cells of a report, as written (empty string for absent).
pub(crate) fn report_cells(r: &Report) -> [String; 17] {
    let opt = |s: Option<&Arc<str>>| s.map_or(String::new(), |s| s.to_string());
    let scope = r.scope();
    let default_mode = r.mode() == Mode::Check;
    [
        r.id().to_string(),
        r.published().to_string(),
        r.kind().to_string(),
        scope.category.map_or(String::new(), |c| c.to_string()),
        opt(scope.item.as_ref()),
        opt(scope.from.as_ref()),
        opt(scope.to.as_ref()),
        opt(scope.via.as_ref()),
        opt(scope.region.as_ref()),
        r.since().map_or(String::new(), |d| d.to_string()),
        r.until().map_or(String::new(), |d| d.to_string()),
        r.value().value().to_string(),
        r.value().unit().to_string(),
        r.qualifier().to_string(),
        r.tolerance().map_or(String::new(), |t| t.to_string()),
        if default_mode { String::new() } else { r.mode().to_string() },
        r.source().unwrap_or("").to_string(),
    ]
}
