//! Exchanges: the entries of one occasion, linked by their `exchange` id, with what each of the
//! two parties handed over and received. The ledger checks an exchange's rules when its entries
//! are inserted (see [`Entry::exchange`]); this module reads exchanges out of a ledger.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Entry, Kind};
use crate::error::Error;
use crate::hash::FxHashMap;
use crate::ledger::Ledger;
use crate::period::Coverage;
use crate::quantity::{Quantity, Unit, decimal_str};
use crate::query::Scope;

/// What one party handed over (or received) in an exchange, totalled per kind and unit:
/// `1 persons (detainee-transfer)`.
///
/// # Serde
///
/// `{"kind": "detainee-transfer", "value": "1", "unit": "persons"}`, the value a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Handover {
    kind: Kind,
    #[serde(serialize_with = "decimal_str::serialize")]
    value: Decimal,
    unit: Unit,
}

impl Handover {
    /// The kind of the entries totalled.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Their total, in the unit the entries were written in.
    #[must_use]
    pub fn quantity(&self) -> Quantity {
        Quantity::unchecked(self.value, self.unit)
    }
}

impl fmt::Display for Handover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.quantity(), self.kind)
    }
}

/// One exchange of a ledger: its id, its dates, its two parties, its entries, and what each party
/// handed over and received; see [`Ledger::exchanges`].
///
/// # Serde
///
/// An object with `id`, `date` (the first day), `last` (the last day), `parties` (two ids, sorted;
/// one when the entries name only one),
/// `entries` (the entries' ids, sorted), and `gave` and `received`: per party, the list of
/// [`Handover`]s, by kind and unit.
///
/// ```
/// use relief_ledger::{Entry, Ledger, Scope};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2021-02-10".parse()?, "1 persons".parse()?).id("b").from("ARM").to("AZE").exchange("x").build()?,
///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).id("a").from("AZE").to("ARM").exchange("x").build()?,
/// ])?;
/// let json = serde_json::to_value(&ledger.exchanges(&Scope::all())?[0])?;
/// assert_eq!(json["date"], "2021-02-10");
/// assert_eq!(json["parties"], serde_json::json!(["ARM", "AZE"]));
/// assert_eq!(json["entries"], serde_json::json!(["a", "b"]));
/// assert_eq!(json["gave"]["AZE"][0], serde_json::json!({"kind": "detainee-transfer", "value": "5", "unit": "persons"}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exchange {
    id: String,
    date: NaiveDate,
    last: NaiveDate,
    parties: Vec<String>,
    entries: Vec<String>,
    gave: BTreeMap<String, Vec<Handover>>,
    received: BTreeMap<String, Vec<Handover>>,
}

impl Exchange {
    /// The exchange's id, as the entries give it.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The day of its first entry.
    #[must_use]
    pub fn first_date(&self) -> NaiveDate {
        self.date
    }

    /// The day of its last entry (at most 7 days after the first).
    #[must_use]
    pub fn last_date(&self) -> NaiveDate {
        self.last
    }

    /// The two parties, sorted (one when the entries name only one, such as a release recorded
    /// with its recipient only).
    #[must_use]
    pub fn parties(&self) -> &[String] {
        &self.parties
    }

    /// The ids of its entries, sorted.
    #[must_use]
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// What `party` handed over, per kind and unit (in order of kind, then unit); empty when it
    /// handed over nothing, or is not a party.
    #[must_use]
    pub fn gave(&self, party: &str) -> &[Handover] {
        self.gave.get(party).map_or(&[], Vec::as_slice)
    }

    /// What `party` received, per kind and unit.
    #[must_use]
    pub fn received(&self, party: &str) -> &[Handover] {
        self.received.get(party).map_or(&[], Vec::as_slice)
    }

    fn of(id: &str, members: &[&Entry]) -> Result<Option<Exchange>, Error> {
        let (Some(date), Some(last)) =
            (members.iter().map(|e| e.date().first_day()).min(), members.iter().map(|e| e.date().last_day()).max())
        else {
            return Ok(None);
        };
        let mut parties: Vec<String> =
            members.iter().flat_map(|e| e.from().into_iter().chain(e.to())).map(String::from).collect();
        parties.sort_unstable();
        parties.dedup();
        let mut entries: Vec<String> = members.iter().map(|e| e.id().to_string()).collect();
        entries.sort_unstable();
        // Totals per (party, kind, unit), exact: a sum past the largest decimal is an error, never rounded.
        let mut gave: BTreeMap<String, BTreeMap<(Kind, Unit), Decimal>> = BTreeMap::new();
        let mut received: BTreeMap<String, BTreeMap<(Kind, Unit), Decimal>> = BTreeMap::new();
        for e in members {
            let q = e.quantity();
            let add = |side: &mut BTreeMap<String, BTreeMap<(Kind, Unit), Decimal>>, party: &str| {
                let sum = side.entry(party.to_string()).or_default().entry((e.kind(), q.unit())).or_default();
                *sum = sum
                    .checked_add(q.value())
                    .ok_or_else(|| Error::overflow(format!("the {} of {party} in exchange {id}", q.unit())))?;
                Ok::<(), Error>(())
            };
            if let Some(from) = e.from() {
                add(&mut gave, from)?;
            }
            if let Some(to) = e.to() {
                add(&mut received, to)?;
            }
        }
        let list = |side: BTreeMap<String, BTreeMap<(Kind, Unit), Decimal>>| {
            side.into_iter()
                .map(|(party, sums)| {
                    let items = sums.into_iter().map(|((kind, unit), value)| Handover { kind, value, unit }).collect();
                    (party, items)
                })
                .collect()
        };
        Ok(Some(Exchange {
            id: id.to_string(),
            date,
            last,
            parties,
            entries,
            gave: list(gave),
            received: list(received),
        }))
    }
}

/// One line: `2021-02-10 x-2021-02-10: ARM gave 1 persons (detainee-transfer); AZE gave 5 persons (detainee-transfer)`.
impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.date, self.id, self.summary())
    }
}

impl Exchange {
    /// What each party gave, for a table cell: `ARM gave 1 persons (detainee-transfer); AZE gave 5 persons (detainee-transfer)`.
    #[must_use]
    pub fn summary(&self) -> String {
        let sides: Vec<String> = self
            .parties
            .iter()
            .map(|p| {
                let gave: Vec<String> = self.gave(p).iter().map(Handover::to_string).collect();
                if gave.is_empty() { format!("{p} gave nothing") } else { format!("{p} gave {}", gave.join(", ")) }
            })
            .collect();
        sides.join("; ")
    }
}

impl Ledger {
    /// The exchanges that have an entry in `scope`, in date order (then by id), each whole: with
    /// all of its entries, in scope or not.
    ///
    /// # Example
    ///
    /// On 2021-02-10 Armenia returned 1 prisoner of war to Azerbaijan, and received 5 Armenians
    /// (`public-figures.md`):
    ///
    /// ```
    /// use relief_ledger::{Category, Entry, Kind, Ledger, Scope};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2021-02-10".parse()?, "1 persons".parse()?)
    ///         .id("dt-2021-02-10-aze").category(Category::Pow).from("ARM").to("AZE").exchange("x-2021-02-10").build()?,
    ///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?)
    ///         .id("dt-2021-02-10-arm").from("AZE").to("ARM").exchange("x-2021-02-10").build()?,
    /// ])?;
    /// let exchanges = ledger.exchanges(&Scope::all().kind(Kind::DetaineeTransfer))?;
    /// assert_eq!(exchanges.len(), 1);
    /// let x = &exchanges[0];
    /// assert_eq!(x.id(), "x-2021-02-10");
    /// assert_eq!(x.first_date().to_string(), "2021-02-10");
    /// assert_eq!(x.parties(), ["ARM", "AZE"]);
    /// assert_eq!(x.entries(), ["dt-2021-02-10-arm", "dt-2021-02-10-aze"]);
    /// assert_eq!(x.gave("ARM")[0].quantity().to_string(), "1 persons");
    /// assert_eq!(x.received("ARM")[0].quantity().to_string(), "5 persons");
    /// assert_eq!(
    ///     x.summary(),
    ///     "ARM gave 1 persons (detainee-transfer); AZE gave 5 persons (detainee-transfer)"
    /// );
    ///
    /// // Entries of one exchange are at most 7 days apart: an eighth day is refused.
    /// let late = Entry::detainee_transfer("2021-02-18".parse()?, "1 persons".parse()?)
    ///     .from("AZE").to("ARM").exchange("x-2021-02-10").build()?;
    /// let mut again = ledger.clone();
    /// assert!(again.insert(late).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// What one party gave or received of one kind and unit does not fit a decimal (an overflow,
    /// never a rounded figure).
    pub fn exchanges(&self, scope: &Scope) -> Result<Vec<Exchange>, Error> {
        let mut out = Vec::new();
        for sym in self.exchange_symbols(scope) {
            out.extend(self.exchange_of_symbol(sym)?);
        }
        out.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        Ok(out)
    }

    /// The exchange with this id, whole; `None` when no entry has it.
    ///
    /// # Errors
    ///
    /// As [`Ledger::exchanges`].
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::minefield_maps("2021-06-12".parse()?, "1 packages".parse()?).from("ARM").to("AZE").exchange("x-2021-06-12").build()?,
    /// ])?;
    /// assert_eq!(ledger.exchange("x-2021-06-12")?.map(|x| x.parties().len()), Some(2));
    /// assert!(ledger.exchange("x-2021-06-13")?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exchange(&self, id: &str) -> Result<Option<Exchange>, Error> {
        match self.symbols.find(id) {
            Some(sym) => self.exchange_of_symbol(sym),
            None => Ok(None),
        }
    }

    fn exchange_of_symbol(&self, sym: u32) -> Result<Option<Exchange>, Error> {
        let Some(positions) = self.exchange_positions().get(&sym) else { return Ok(None) };
        let owned: Vec<Entry> = positions.iter().map(|&p| self.entry_at(p)).collect();
        let members: Vec<&Entry> = owned.iter().collect();
        let Some(id) = members.first().and_then(|e| e.exchange()) else { return Ok(None) };
        Exchange::of(id, &members)
    }

    /// The symbols of the exchanges that have an entry in `scope`, each once, in order of their
    /// first entry in scope.
    pub(crate) fn exchange_symbols(&self, scope: &Scope) -> Vec<u32> {
        self.exchanges_in(scope).0.into_iter().map(|(sym, _)| sym).collect()
    }

    /// The symbols of the exchanges that have an entry surely or possibly in `scope` (as
    /// [`Ledger::exchange_symbols`]), each with whether one of its entries is surely in it, and the
    /// positions of the entries in scope that belong to one, in date order.
    pub(crate) fn exchanges_in(&self, scope: &Scope) -> (Vec<(u32, bool)>, Vec<u32>) {
        let Some(c) = scope.compile(self) else { return (Vec::new(), Vec::new()) };
        let mut seen: FxHashMap<u32, usize> = FxHashMap::default();
        let (mut symbols, mut positions): (Vec<(u32, bool)>, Vec<u32>) = (Vec::new(), Vec::new());
        let range = c.candidate_range(self.rows(), self.max_span());
        let first = range.start as u32;
        for (r, i) in self.rows().get(range).unwrap_or(&[]).iter().zip(first..) {
            let coverage = c.coverage(r);
            let exchange = self.exchange_of(r);
            if exchange == 0 || coverage == Coverage::None {
                continue;
            }
            positions.push(i);
            let sure = coverage == Coverage::Sure;
            match seen.get(&exchange) {
                Some(&k) => {
                    if let Some(s) = symbols.get_mut(k) {
                        s.1 |= sure;
                    }
                }
                None => {
                    seen.insert(exchange, symbols.len());
                    symbols.push((exchange, sure));
                }
            }
        }
        (symbols, positions)
    }
}
