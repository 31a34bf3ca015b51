//! Errors to match on (issue 8, item 3): every problem has a kind, a program tells a duplicate id
//! from a bad unit without reading text, positions carry columns, I/O errors keep their path.
//! Public API only, as a dependent crate sees it.

use std::error::Error as _;
use std::path::{Path, PathBuf};

use relief_ledger::{
    Assumptions, Entry, ErrorKind, Format, Kind, Ledger, Loader, Position, Problem, ProblemKind, Qualifier, RecordKind,
    Report, Role, parse_claim, parse_claims, parse_date, parse_decimal, read_with,
};
use rust_decimal::Decimal;

fn catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/errors")
}

/// The kinds of an error's problems, as a `.kinds` file writes them: `kind` or `kind@column`, a
/// kind repeated on consecutive problems written once; `io` for an I/O error.
fn kinds_of(err: &relief_ledger::Error) -> Vec<String> {
    if let ErrorKind::Io { .. } = err.kind() {
        return vec!["io".to_string()];
    }
    let mut out: Vec<String> = err
        .problems()
        .iter()
        .map(|p| match p.position().column() {
            Some(c) => format!("{}@{c}", p.kind()),
            None => p.kind().to_string(),
        })
        .collect();
    out.dedup();
    out
}

/// Loads a catalogue case with the library, as `relief-ledger check` does with the case's arguments.
fn load_case(dir: &Path, name: &str) -> Result<(), relief_ledger::Error> {
    let args_file = dir.join(format!("{name}.args"));
    let args: Vec<String> = if args_file.exists() {
        std::fs::read_to_string(&args_file).unwrap().split_whitespace().map(str::to_string).collect()
    } else {
        let input = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
            .find(|f| f.starts_with(&format!("{name}.")) && !f.ends_with(".expected"))
            .unwrap_or_else(|| panic!("no input for case {name}"));
        vec![input]
    };
    let mut loader = Loader::new();
    let mut assume = Assumptions::new();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--assume" {
            assume.add_pair(it.next().expect("a value after --assume"))?;
        } else {
            files.push(dir.join(a));
        }
    }
    loader.assume(assume);
    for f in &files {
        loader.read_path(f, Role::Any);
    }
    loader.finish().map(drop)
}

#[test]
fn every_catalogue_case_has_its_kinds() {
    let dir = catalogue();
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "expected") {
            continue;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap().to_string();
        let kinds_file = dir.join("kinds").join(format!("{name}.kinds"));
        let want: Vec<String> = std::fs::read_to_string(&kinds_file)
            .unwrap_or_else(|_| panic!("case {name} has no .kinds file"))
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect();
        let err = load_case(&dir, &name).expect_err(&name);
        assert_eq!(kinds_of(&err), want, "case {name}: {err}");
        cases += 1;
    }
    assert!(cases >= 30, "only {cases} cases");
}

#[test]
fn every_kind_names_itself_and_parses_back() {
    for kind in ProblemKind::ALL {
        assert_eq!(kind.to_string().parse::<ProblemKind>().unwrap(), kind);
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{kind}\""));
    }
    let err = "duplicate-ids".parse::<ProblemKind>().unwrap_err();
    assert!(err.has(ProblemKind::NotAllowed), "{err}");
    assert!(err.to_string().contains("did you mean \"duplicate-id\""), "{err}");
}

// ---- a program tells problems apart without reading text ----

#[test]
fn a_duplicate_id_and_a_bad_unit_are_told_apart_by_kind() {
    let csv = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,tons,NKR\nc1,2021-05-26,cargo,155,t,NKR\nc1,2021-05-27,cargo,1,t,NKR\n";
    let doc = read_with(csv.as_bytes(), "e.csv", Format::Csv, Role::Entries, &Assumptions::new());
    let err = doc.unwrap_err();
    // Every problem of the file at once: the unit, and among the rows read, the id used twice.
    assert_eq!(err.problems().len(), 2, "{err}");
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::BadUnit);
    assert_eq!((p.position().line(), p.position().column(), p.field()), (Some(2), Some(5), Some("unit")));
    let twice = &err.problems()[1];
    assert_eq!((twice.kind(), twice.position().line(), twice.field()), (ProblemKind::DuplicateId, Some(4), Some("id")));

    // The same rows with the unit fixed: now the ids used twice are the problem.
    let good = "id,date,kind,quantity,unit,to\nc1,2021-05-26,cargo,155,t,NKR\nc1,2021-05-27,cargo,1,t,NKR\n";
    let err = relief_ledger::read(good.as_bytes(), "g.csv", Format::Csv, Role::Entries)
        .and_then(|d| Ledger::from_entries(d.entries))
        .unwrap_err();
    assert!(err.problems().iter().all(|p| p.kind() == ProblemKind::DuplicateId), "{err}");
    assert!(!err.has(ProblemKind::BadUnit));
}

#[test]
fn builders_give_each_problem_its_kind() {
    let day = parse_date("2020-12-14").unwrap();
    let err =
        Entry::builder(Kind::DetaineeTransfer, day, "2 t".parse().unwrap()).from("ARM").to("ARM").build().unwrap_err();
    let kinds: Vec<(ProblemKind, Option<&str>)> = err.problems().iter().map(|p| (p.kind(), p.field())).collect();
    assert!(kinds.contains(&(ProblemKind::WrongDimension, Some("unit"))), "{kinds:?}");
    assert!(kinds.contains(&(ProblemKind::Inconsistent, Some("to"))), "{kinds:?}");

    let err = Entry::builder(Kind::DetaineeTransfer, day, "44 persons".parse().unwrap()).to("ARM").build().unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::MissingField, "{err}");

    let err = "2.5 persons".parse::<relief_ledger::Quantity>().unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::OutOfRange, "{err}");
    assert_eq!("cargoo".parse::<Kind>().unwrap_err().problems()[0].kind(), ProblemKind::NotAllowed);
    assert_eq!("1,581 t".parse::<relief_ledger::Quantity>().unwrap_err().problems()[0].kind(), ProblemKind::BadNumber);
}

// ---- the role of an id: "report X" for a report ----

#[test]
fn a_report_is_named_as_a_report_not_an_entry() {
    let day = parse_date("2021-11-09").unwrap();
    let err = Report::builder("r1", day, Kind::Returnees, "53000 persons".parse().unwrap())
        .qualifier(Qualifier::About)
        .tolerance(Decimal::from(-5))
        .build()
        .unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(
        (p.kind(), p.position().id(), p.position().record_kind()),
        (ProblemKind::OutOfRange, Some("r1"), Some(RecordKind::Report))
    );
    assert_eq!(p.to_string(), "report r1, field tolerance: -5 is negative");

    let r = Report::builder("r1", day, Kind::Returnees, "53000 persons".parse().unwrap()).build().unwrap();
    let ledger = Ledger::from_entries(Vec::<Entry>::new()).unwrap();
    let reports = [r.clone(), r];
    let err = ledger.verify(&reports).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::DuplicateId);
    assert!(p.to_string().starts_with("report r1, field id: "), "{p}");
}

#[test]
fn an_entry_is_named_as_an_entry() {
    let day = parse_date("2021-01-10").unwrap();
    let e = Entry::builder(Kind::Returnees, day, "5 persons".parse().unwrap()).id("e1").to("ARM").build().unwrap();
    let err = Ledger::from_entries([e.clone(), e]).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!((p.kind(), p.position().record_kind()), (ProblemKind::DuplicateId, Some(RecordKind::Entry)));
    assert!(p.to_string().starts_with("entry e1, field id: "), "{p}");
}

// ---- columns ----

#[test]
fn a_claim_places_its_problem_in_the_position_not_the_message() {
    // The claim, with the unit misspelt.
    let err = parse_claim("exact 105 persns detainee-transfer to=ARM since=2020-12-02 until=2021-11-09").unwrap_err();
    let p = &err.problems()[0];
    assert_eq!((p.kind(), p.position().column(), p.field()), (ProblemKind::BadUnit, Some(11), Some("unit")));
    assert!(!p.message().contains("column"), "{}", p.message());
    assert_eq!(p.to_string(), "column 11, field unit: \"persns\" is not a unit; did you mean \"persons\"?");

    let err = parse_claims([
        "about 53000 persons returnees since=2020-11-14",
        "about 53,000 persons returnees since=2020-11-14",
    ])
    .unwrap_err();
    let p = &err.problems()[1];
    assert_eq!((p.position().record(), p.position().record_kind()), (Some(2), Some(RecordKind::Claim)));
    assert_eq!((p.kind(), p.position().column()), (ProblemKind::BadNumber, Some(7)));
    assert!(p.to_string().starts_with("claim 2, column 7, field value: \"53,000\" has a thousands separator"), "{p}");
}

#[test]
fn a_json_problem_is_placed_at_its_key() {
    let text = "{\"entries\": [\n  {\"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"145\", \"unit\": \"tons\", \"to\": \"NKR\"}\n]}";
    let err = read_with(text.as_bytes(), "d.json", Format::Json, Role::Entries, &Assumptions::new()).unwrap_err();
    let p = &err.problems()[0];
    let line = text.lines().nth(1).unwrap();
    let column = line.find("\"unit\"").unwrap() as u64 + 1;
    assert_eq!((p.kind(), p.position().line(), p.position().column()), (ProblemKind::BadUnit, Some(2), Some(column)));
}

// ---- parse_date and parse_decimal ----

#[test]
fn parse_date_returns_the_crates_error_and_asks_only_for_a_day() {
    for bad in ["2021-1-5", "05/01/2021", "yesterday", ""] {
        let err = parse_date(bad).unwrap_err();
        assert_eq!(err.problems()[0].kind(), ProblemKind::BadDate, "{bad}");
        assert!(err.to_string().ends_with("is not a date; write YYYY-MM-DD"), "{bad}: {err}");
    }
    // A month is a valid partial date, but not a day.
    assert_eq!(parse_date("2021-11").unwrap_err().to_string(), "\"2021-11\" is not a day; write YYYY-MM-DD");
    let err = parse_date("2021-13-01").unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::BadDate);
    assert_eq!(err.problems()[0].field(), None, "the caller names the field");
    assert!(parse_date(" 2021-11-09 ").is_ok(), "spaces around are ignored");
}

#[test]
fn parse_decimal_returns_the_crates_error_and_says_what_it_accepts() {
    // What it accepts: an optional sign, digits, an optional point.
    for ok in ["-2", "+3", "0.5", ".5", "1581"] {
        assert!(parse_decimal(ok).is_ok(), "{ok}");
    }
    let err = parse_decimal("1e3").unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::BadNumber);
    assert!(err.to_string().contains("optional sign"), "{err}");
    let err = parse_decimal("79228162514264337593543950336").unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::Overflow);
    // The largest decimal has 29 digits: the message must not say 28.
    assert!(parse_decimal("79228162514264337593543950335").is_ok());
    assert!(!err.to_string().contains("28 digits"), "{err}");
    assert!(err.to_string().contains("79228162514264337593543950335"), "{err}");
}

// ---- I/O errors ----

#[test]
fn an_io_error_keeps_its_path_and_leaves_the_reason_to_its_source() {
    let path = catalogue().join("no-such-file.csv");
    let mut loader = Loader::new();
    loader.read_path(&path, Role::Any);
    let err = loader.finish().unwrap_err();
    assert!(err.is_io());
    let ErrorKind::Io { path: kept, source } = err.kind() else { panic!("{err:?}") };
    assert_eq!(kept, &path);
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    let reason = source.to_string();
    assert_eq!(err.to_string(), format!("{}: could not read the file", path.display()));
    // The chain prints the reason once.
    let mut chain = err.to_string();
    let mut s = err.source();
    while let Some(e) = s {
        chain = format!("{chain}: {e}");
        s = e.source();
    }
    assert_eq!(chain.matches(&reason).count(), 1, "{chain}");
}

#[test]
fn a_write_error_is_an_io_error_with_its_source() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let day = parse_date("2021-01-10").unwrap();
    let e = Entry::builder(Kind::Returnees, day, "5 persons".parse().unwrap()).to("ARM").build().unwrap();
    let err = relief_ledger::write(Broken, Format::Csv, &[e], &[]).unwrap_err();
    assert!(err.is_io() && matches!(err.kind(), ErrorKind::Write { .. }), "{err:?}");
    assert!(!err.to_string().contains("disk full"), "{err}");
    assert_eq!(err.source().map(ToString::to_string).as_deref(), Some("disk full"));
}

// ---- problems as values ----

#[test]
fn a_problem_serializes_with_its_kind_and_position() {
    let p = Problem::new(ProblemKind::BadUnit, "unit", "\"tons\" is not a unit")
        .at(Position::new().with_file("e.csv").with_line(2).with_column(5));
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["kind"], "bad-unit");
    assert_eq!(json["position"]["file"], "e.csv");
    assert_eq!(json["position"]["column"], 5);
    let back: Problem = serde_json::from_value(json).unwrap();
    assert_eq!(back, p);
    assert_eq!(p.to_string(), "e.csv: line 2, field unit: \"tons\" is not a unit");
}

#[test]
fn a_problem_read_from_a_file_knows_whether_its_record_is_an_entry_or_a_report() {
    let entries = "id,date,kind,quantity,unit,to\ne1,2021-13-01,cargo,1,t,NKR\n";
    let reports = "id,published,kind,value,unit\nr1,2021-13-01,cargo,1,t\n";
    for (text, role, kind) in
        [(entries, Role::Entries, RecordKind::Entry), (reports, Role::Reports, RecordKind::Report)]
    {
        for format in [Format::Csv, Format::Json] {
            let text = if format == Format::Csv {
                text.to_string()
            } else {
                let doc = read_with(
                    text.replace("2021-13-01", "2021-12-01").as_bytes(),
                    "f.csv",
                    Format::Csv,
                    role,
                    &Assumptions::new(),
                )
                .unwrap();
                let mut json = Vec::new();
                relief_ledger::write(&mut json, Format::Json, &doc.entries, &doc.reports).unwrap();
                String::from_utf8(json).unwrap().replace("2021-12-01", "2021-13-01")
            };
            let err = read_with(text.as_bytes(), "f", format, role, &Assumptions::new()).unwrap_err();
            let p = &err.problems()[0];
            assert_eq!(p.position().record_kind(), Some(kind), "{format}: {err}");
        }
    }
}
