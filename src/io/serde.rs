//! Serde for the values that are records of a file: an [`Entry`] or a [`Report`] is the object the
//! JSON file format holds, an [`Outcome`] the record `verify --format json` prints. The shapes are
//! built from the cells every format writes, so that a serialized value and a file never differ.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::entry::Entry;
use crate::error::Problem;
use crate::io::outcomes::{Record, outcome_fields};
use crate::io::record::{Cells, Interner, Table, entry_cells, entry_from_cells, report_cells, report_from_cells};
use crate::query::Group;
use crate::report::{Outcome, Report, Verification};

/// Serializes the non-empty cells of a record as a map, in the order of the file's columns.
fn serialize_cells<S: Serializer>(s: S, columns: &[&str], cells: &[String]) -> Result<S::Ok, S::Error> {
    let fields: Vec<(&&str, &String)> = columns.iter().zip(cells).filter(|(_, v)| !v.is_empty()).collect();
    let mut map = s.serialize_map(Some(fields.len()))?;
    for (k, v) in fields {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_cells(s, Table::Entries.columns(), &entry_cells(self))
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_cells(s, Table::Reports.columns(), &report_cells(self))
    }
}

/// The cells of one record, read from a map of column names to text.
struct CellsVisitor(Table);

/// The text of one cell: a string, a whole number (a count of mines) or null.
struct Cell(Option<String>);

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or null (figures are written as strings, never as floats)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell(Some(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Cell, E> {
                Ok(Cell(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell(Some(v.to_string())))
            }
            fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
                Cell::deserialize(d)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Visitor<'de> for CellsVisitor {
    type Value = Vec<(usize, String)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a map of the columns of {} to strings", self.0.noun())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut cells: Vec<(usize, String)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(i) = self.0.index(&key) else {
                return Err(de::Error::custom(format!("field {key}: {}", self.0.unknown_column(&key))));
            };
            if cells.iter().any(|(j, _)| *j == i) {
                return Err(de::Error::custom(format!("field {key}: appears twice in one record; keep one")));
            }
            let Cell(value) = map.next_value()?;
            if let Some(v) = value {
                cells.push((i, v));
            }
        }
        Ok(cells)
    }
}

/// The problems of a record as one serde error: every problem, "field f: message", joined by "; ".
fn problems_error<E: de::Error>(problems: &[Problem]) -> E {
    let text: Vec<String> = problems
        .iter()
        .map(|p| match &p.field {
            Some(f) => format!("field {f}: {}", p.message),
            None => p.message.clone(),
        })
        .collect();
    E::custom(text.join("; "))
}

fn read_cells<'de, D: Deserializer<'de>, T>(
    d: D,
    table: Table,
    build: impl FnOnce(&Cells<'_>) -> Result<T, Vec<Problem>>,
) -> Result<T, D::Error> {
    let owned = d.deserialize_map(CellsVisitor(table))?;
    let mut cells: Cells<'_> = [None; 17];
    for (i, v) in &owned {
        let v = v.trim();
        if let Some(c) = cells.get_mut(*i) {
            *c = (!v.is_empty()).then_some(v);
        }
    }
    build(&cells).map_err(|ps| problems_error::<D::Error>(&ps))
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Entry, D::Error> {
        read_cells(d, Table::Entries, |cells| entry_from_cells(cells, &mut Interner::default(), String::new))
    }
}

impl<'de> Deserialize<'de> for Report {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Report, D::Error> {
        read_cells(d, Table::Reports, report_from_cells)
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Record(outcome_fields(self)).serialize(s)
    }
}

impl Serialize for Verification<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Verification", 2)?;
        st.serialize_field("outcomes", self.outcomes())?;
        st.serialize_field("fills", self.fills())?;
        st.end()
    }
}

impl Serialize for Group<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Group", 3)?;
        st.serialize_field("key", self.key())?;
        st.serialize_field("totals", self.totals())?;
        st.serialize_field("entries", &self.entries())?;
        st.end()
    }
}
