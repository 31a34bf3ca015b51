//! Serde on every public value (issue 8 item 1): each value round-trips through JSON; entries and
//! reports serialize to exactly the records the JSON file writer gives; outcomes to exactly the
//! records `write_outcomes` gives; deserializing validates as the builders do.

use relief_ledger::{
    Category, Dimension, Entry, Format, Interval, Key, KeyValue, Kind, Ledger, Mode, Outcome, PartialDate, Period,
    Position, Problem, Qualifier, Quantity, Report, Role, Scope, Series, Status, Step, Totals, Unit, parse_claims,
    write, write_outcomes,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json} does not read back: {e}"));
    assert_eq!(&back, value, "{json}");
    json
}

fn entries() -> Vec<Entry> {
    vec![
        Entry::detainee_transfer("2020-12-14".parse().unwrap(), "44 persons".parse().unwrap())
            .id("dt-1")
            .from("AZE")
            .to("ARM")
            .via("ICRC")
            .source("AP, 2020-12-14")
            .note("a \"quoted\" note, with a comma")
            .build()
            .unwrap(),
        Entry::cargo("2021-04-07".parse().unwrap(), "145.50 t".parse().unwrap())
            .category(Category::Humanitarian)
            .item("flour")
            .to("NKR")
            .region("Stepanakert")
            .build()
            .unwrap(),
        Entry::minefield_maps("2021-06-12".parse().unwrap(), "1 packages".parse().unwrap())
            .id("maps")
            .from("ARM")
            .to("AZE")
            .mines(97)
            .build()
            .unwrap(),
    ]
}

fn reports() -> Vec<Report> {
    parse_claims([
        "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa mode=fill",
        "about 53000 persons returnees since=2020-11-14 until=2021-11 id=returns",
        "more-than 40 persons detainee-transfer to=ARM until=2020-12-31 id=dec",
        "exact 150 t cargo to=NKR until=2021 tolerance=10 id=cargo",
    ])
    .unwrap()
}

/// A JSON object's fields in the order they are written.
#[derive(Debug, PartialEq)]
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some(kv) = map.next_entry()? {
                    fields.push(kv);
                }
                Ok(Ordered(fields))
            }
        }
        d.deserialize_map(V)
    }
}

/// The records the JSON Lines writer gives, one per value.
fn written_records(entries: &[Entry], reports: &[Report]) -> Vec<Ordered> {
    let mut out = Vec::new();
    write(&mut out, Format::Jsonl, entries, reports).unwrap();
    String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn ordered<T: Serialize>(value: &T) -> Ordered {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

#[test]
fn entries_and_reports_serialize_to_the_records_of_the_json_file_format() {
    let (entries, reports) = (entries(), reports());
    let written = written_records(&entries, &[]);
    assert_eq!(written.len(), entries.len());
    for (e, record) in entries.iter().zip(&written) {
        // The same fields with the same values, in the same order.
        assert_eq!(&ordered(e), record);
    }
    let written = written_records(&[], &reports);
    assert_eq!(written.len(), reports.len());
    for (r, record) in reports.iter().zip(&written) {
        assert_eq!(&ordered(r), record);
    }
}

#[test]
fn entries_and_reports_round_trip() {
    for e in entries() {
        round_trip(&e);
    }
    for r in reports() {
        round_trip(&r);
    }
}

#[test]
fn an_entry_that_the_builder_refuses_does_not_deserialize() {
    // Every problem in one message, each naming its field, as the builder and the readers name them.
    let bad = r#"{"date": "2020-12-14", "kind": "detainee-transfer", "quantity": "44", "unit": "t", "from": "AZE", "to": "AZE"}"#;
    let err = serde_json::from_str::<Entry>(bad).unwrap_err().to_string();
    assert!(err.contains("field unit"), "{err}");
    assert!(err.contains("field to"), "{err}");
    // Figures are strings: a JSON number would have passed through a float.
    let number = r#"{"date": "2020-12-14", "kind": "returnees", "quantity": 44.5, "unit": "persons"}"#;
    assert!(serde_json::from_str::<Entry>(number).is_err());
    let unknown =
        r#"{"date": "2020-12-14", "kind": "returnees", "quantity": "44", "unit": "persons", "colour": "red"}"#;
    let err = serde_json::from_str::<Entry>(unknown).unwrap_err().to_string();
    assert!(err.contains("unknown column \"colour\""), "{err}");
    let bad_date = r#"{"date": "2021-02-30", "kind": "returnees", "quantity": "44", "unit": "persons"}"#;
    let err = serde_json::from_str::<Entry>(bad_date).unwrap_err().to_string();
    assert!(err.contains("field date") && err.contains("2021-02 has 28 days"), "{err}");
}

#[test]
fn a_report_that_the_builder_refuses_does_not_deserialize() {
    let bad = r#"{"id": "x", "published": "2021-11-09", "kind": "returnees", "value": "5", "unit": "t"}"#;
    let err = serde_json::from_str::<Report>(bad).unwrap_err().to_string();
    assert!(err.contains("returnees is counted in persons"), "{err}");
    let missing = r#"{"published": "2021-11-09", "kind": "returnees", "value": "5", "unit": "persons"}"#;
    let err = serde_json::from_str::<Report>(missing).unwrap_err().to_string();
    assert!(err.contains("field id"), "{err}");
}

#[test]
fn outcomes_serialize_to_the_records_write_outcomes_gives_and_read_back() {
    let ledger = Ledger::from_entries(entries()).unwrap();
    let reports = reports();
    let v = ledger.verify(&reports).unwrap();
    let mut out = Vec::new();
    write_outcomes(&mut out, Format::Jsonl, &v).unwrap();
    let lines: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), v.outcomes().len());
    for (o, line) in v.outcomes().iter().zip(&lines) {
        assert_eq!(&serde_json::to_string(o).unwrap(), line);
        let back: Outcome = serde_json::from_str(line).unwrap();
        assert_eq!(back.report_id(), o.report_id());
        assert_eq!(back.status(), o.status());
        assert_eq!(back.interval(), o.interval());
        assert_eq!(back.ledger_quantity(), o.ledger_quantity());
        assert_eq!(back.filled_quantity(), o.filled_quantity());
        assert_eq!(back.reported(), o.reported());
        assert_eq!(back.difference(), o.difference());
        assert_eq!(back.report_index(), None, "a record belongs to no verification");
        // Found by id in the verification it came from, with no entries of its own.
        assert_eq!(v.report(&back).map(Report::id), Some(o.report_id()));
        assert!(v.entries(&back).is_empty());
        // Serialized again, it is the same record.
        assert_eq!(&serde_json::to_string(&back).unwrap(), line);
    }
    // The outcome knows its report's id without the verification.
    let ids: Vec<&str> = v.outcomes().iter().map(Outcome::report_id).collect();
    assert_eq!(ids, ["mfa", "returns", "dec", "cargo"]);
}

#[test]
fn an_inconsistent_outcome_record_does_not_deserialize() {
    let good = r#"{"id":"dec","status":"ok","reported":"40","qualifier":"more-than","unit":"persons","low":"40","high":null,"ledger":"44","difference":"4","filled":null,"interval":"(40, ∞)"}"#;
    assert!(serde_json::from_str::<Outcome>(good).is_ok());
    for (from, to) in [
        (r#""difference":"4""#, r#""difference":"5""#),
        (r#""low":"40""#, r#""low":"41""#),
        (r#""status":"ok""#, r#""status":"fine""#),
        (r#""reported":"40""#, r#""reported":40"#),
        (r#""unit":"persons""#, r#""unit":"tons""#),
        (r#""interval":"(40, ∞)""#, r#""interval":"(40, 30)""#),
    ] {
        let bad = good.replace(from, to);
        assert!(serde_json::from_str::<Outcome>(&bad).is_err(), "{bad}");
    }
}

#[test]
fn verification_serializes_its_outcomes_and_fills() {
    let ledger = Ledger::from_entries(entries()).unwrap();
    let reports = reports();
    let v = ledger.verify(&reports).unwrap();
    let json = serde_json::to_value(&v).unwrap();
    let outcomes: Vec<Value> = v.outcomes().iter().map(|o| serde_json::to_value(o).unwrap()).collect();
    assert_eq!(json["outcomes"], Value::Array(outcomes));
    let fills: Vec<Value> = v.fills().iter().map(|e| serde_json::to_value(e).unwrap()).collect();
    assert_eq!(fills.len(), 1);
    assert_eq!(json["fills"], Value::Array(fills));
    assert_eq!(v.clone(), v);
}

#[test]
fn quantities_totals_dates_and_periods_round_trip() {
    for q in ["44 persons", "145.50 t", "0.001 kg", "79228162514264337593543950335 items", "12.5 km2"] {
        round_trip(&q.parse::<Quantity>().unwrap());
    }
    assert!(serde_json::from_str::<Quantity>(r#"{"value":"2.5","unit":"persons"}"#).is_err());
    assert!(serde_json::from_str::<Quantity>(r#"{"value":"1,581","unit":"persons"}"#).is_err());

    let mut totals = Totals::new();
    round_trip(&totals);
    for q in ["145.5 t", "12 persons", "3 ha", "1500 kg"] {
        totals.add(&q.parse().unwrap()).unwrap();
    }
    let json = round_trip(&totals);
    assert!(json.contains(r#"{"value":"147","unit":"t"}"#), "{json}");
    let twice = r#"[{"value":"1","unit":"t"},{"value":"2","unit":"kg"}]"#;
    assert!(serde_json::from_str::<Totals>(twice).is_err(), "two figures of one dimension");

    for d in ["2020", "2020-12", "2020-12-02"] {
        let date: PartialDate = d.parse().unwrap();
        assert_eq!(round_trip(&date), format!("{d:?}"));
    }
    assert!(serde_json::from_str::<PartialDate>(r#""2021-13""#).is_err());
    for p in ["..", "2020-12..", "..2021", "2020-12-02..2021-11-09"] {
        round_trip(&p.parse::<Period>().unwrap());
    }
    assert!(serde_json::from_str::<Period>(r#"{"start":"2021-01-01","end":"2020-12-31"}"#).is_err());
}

#[test]
fn enums_serialize_as_their_file_spelling() {
    for q in Qualifier::ALL {
        assert_eq!(round_trip(&q), format!("\"{q}\""));
    }
    for m in [Mode::Check, Mode::Fill] {
        assert_eq!(round_trip(&m), format!("\"{m}\""));
    }
    for s in Status::ALL {
        assert_eq!(round_trip(&s), format!("\"{s}\""));
    }
    for k in Kind::ALL {
        assert_eq!(round_trip(&k), format!("\"{k}\""));
    }
    for k in Key::ALL {
        assert_eq!(round_trip(&k), format!("\"{k}\""));
    }
    for s in Step::ALL {
        assert_eq!(round_trip(&s), format!("\"{s}\""));
    }
    for u in [Unit::Tonne, Unit::Kilogram, Unit::Persons, Unit::Hectare] {
        assert_eq!(round_trip(&u), format!("\"{u}\""));
    }
    for d in Dimension::ALL {
        assert_eq!(round_trip(&d), format!("\"{d}\""));
    }
    assert!(serde_json::from_str::<Status>(r#""fine""#).is_err());
}

#[test]
fn intervals_serialize_as_their_text() {
    let values = ["53000", "2100", "0", "105", "-5", "0.0000000000000000000000000001", "79228162514264337593543950335"];
    for q in Qualifier::ALL {
        for v in values {
            let i: Interval = q.interval(v.parse().unwrap(), None);
            assert_eq!(round_trip(&i), format!("\"{i}\""));
        }
        let t: Interval = q.interval("50".parse().unwrap(), Some("5".parse().unwrap()));
        round_trip(&t);
    }
    for bad in ["", "[1, 2", "1, 2]", "[a, 2]", "[3, 2]", "[1 2]", "(∞, 2]"] {
        assert!(bad.parse::<Interval>().is_err(), "{bad:?}");
    }
}

#[test]
fn scopes_key_values_groups_and_series() {
    let ledger = Ledger::from_entries(entries()).unwrap();
    let scope =
        Scope::all().kind(Kind::Cargo).category(Category::Humanitarian).to("NKR").period("2021".parse().unwrap());
    round_trip(&scope);
    assert!(serde_json::from_str::<Scope>(r#"{"kind":"cargo","colour":"red"}"#).is_err());

    let groups =
        ledger.group(&Scope::all(), &[Key::Kind, Key::Category, Key::To, Key::Month, Key::Quarter, Key::Year]).unwrap();
    for g in &groups {
        for k in g.key() {
            round_trip(k);
        }
        let json = serde_json::to_value(g).unwrap();
        assert_eq!(json["key"], serde_json::to_value(g.key()).unwrap());
        assert_eq!(json["totals"], serde_json::to_value(g.totals()).unwrap());
        let entries: Vec<Value> = g.entries().iter().map(|e| serde_json::to_value(e).unwrap()).collect();
        assert_eq!(json["entries"], Value::Array(entries));
    }
    assert_eq!(serde_json::to_string(&KeyValue::Category(None)).unwrap(), r#"{"category":null}"#);

    let series: Vec<Series> = ledger.running(&Scope::all(), &[Key::Kind], Step::Month).unwrap();
    assert!(!series.is_empty());
    for s in &series {
        round_trip(s);
    }
}

#[test]
fn problems_and_positions_round_trip() {
    let err = relief_ledger::read(
        "date,kind,quantity,unit\n2021-02-30,returnees,1,persons\n".as_bytes(),
        "e.csv",
        Format::Csv,
        Role::Entries,
    )
    .unwrap_err();
    assert!(!err.problems().is_empty());
    for p in err.problems() {
        round_trip::<Problem>(p);
        round_trip::<Position>(&p.position);
    }
}
