//! The streaming fold (issue 12) against the ledger: the same groups, outcomes and problems, however
//! the files are cut into chunks.

use relief_ledger::stream::{Fold, Summary};
use relief_ledger::{Format, Group, Key, Ledger, Loader, Period, Role, Scope};

const ENTRIES: &str = include_str!("../examples/data/karabakh-2021/entries.csv");
const REPORTS: &str = include_str!("../examples/data/karabakh-2021/reports.csv");

/// Chunk sizes from one byte (a chunk per record) to the default.
const CHUNKS: [usize; 4] = [1, 7, 300, 4 << 20];

fn ledger_of(files: &[(&str, &str)]) -> Result<(Ledger, Vec<relief_ledger::Report>), relief_ledger::Error> {
    let mut loader = Loader::new();
    for (name, text) in files {
        loader.read(text.as_bytes(), name, Format::from_path(name)?, Role::Any);
    }
    loader.finish()
}

fn fold_of(
    mut fold: Fold,
    files: &[(&str, &str)],
    chunk: usize,
) -> Result<relief_ledger::stream::Folded, relief_ledger::Error> {
    fold.chunk_size(chunk);
    for (name, text) in files {
        fold.read(text.as_bytes(), name, Format::from_path(name)?, Role::Any);
    }
    fold.finish()
}

fn same(ours: &[Summary], theirs: &[Group<'_>]) {
    assert_eq!(ours.len(), theirs.len(), "number of groups");
    for (o, t) in ours.iter().zip(theirs) {
        assert_eq!(o.key(), t.key());
        assert_eq!(o.totals(), t.totals(), "totals of {:?}", t.key());
        assert_eq!(o.totals().highs().unwrap(), t.totals().highs().unwrap(), "highs of {:?}", t.key());
        assert_eq!(o.entries(), t.entries().len() as u64, "entries of {:?}", t.key());
        assert_eq!(o.exchanges(), t.exchanges(), "exchanges of {:?}", t.key());
        assert_eq!(Some(o.first()), t.entries().first().map(|e| e.date()), "first of {:?}", t.key());
        assert_eq!(Some(o.last()), t.entries().last().map(|e| e.date()), "last of {:?}", t.key());
    }
}

fn scopes() -> Vec<Scope> {
    vec![
        Scope::all(),
        Scope::all().to("ARM"),
        Scope::all().period("2020-12-02..2021-06-30".parse().unwrap()),
        Scope::all().period(Period::of("2021".parse().unwrap())),
        Scope::all().period("2024-11-03..2024-11-20".parse().unwrap()),
    ]
}

fn key_lists() -> Vec<Vec<Key>> {
    vec![
        vec![Key::Kind],
        vec![Key::Kind, Key::To],
        vec![Key::Kind, Key::Month],
        vec![Key::Year, Key::Category],
        vec![Key::Exchange],
        vec![],
    ]
}

fn check_groups(files: &[(&str, &str)]) {
    let (ledger, _) = ledger_of(files).unwrap();
    for scope in scopes() {
        for keys in key_lists() {
            let theirs = ledger.group(&scope, &keys).unwrap();
            for chunk in CHUNKS {
                let ours = fold_of(Fold::group(&scope, &keys), files, chunk).unwrap();
                same(ours.groups(), &theirs);
                assert_eq!(ours.entries(), ledger.len() as u64);
            }
        }
    }
}

#[test]
fn groups_of_the_seed_ledger_are_the_ledgers() {
    // The seed's own acceptance figures first: 122 persons returned (105 to Armenia, 17 to Azerbaijan)
    // are what the statement reports; the ledger's recorded transfers are what the file holds.
    check_groups(&[("entries.csv", ENTRIES)]);
}

/// Entries dated to a month, a year or a range, with exchanges; days as reported by AP (44 and 12
/// detainees on 2020-12-14) and TASS (250 returnees on 2020-11-14).
const PERIODS: &str = "id,date,kind,category,quantity,unit,from,to,exchange\n\
    a,2020-12-14,detainee-transfer,,44,persons,AZE,ARM,x1\n\
    b,2020-12-14,detainee-transfer,,12,persons,ARM,AZE,x1\n\
    c,2024-11,returnees,,10,persons,,UKR,\n\
    d,2024-11-01..2024-12-15,returnees,,7,persons,,UKR,\n\
    e,2024,returnees,,3,persons,,UKR,\n\
    f,2024-11-01,returnees,,5,persons,,UKR,\n\
    g,2020-11-14,returnees,,250,persons,,NKR,\n\
    h,2024-11-01,cargo,food,1500,kg,RU-EMERCOM,NKR,\n\
    i,2024-11,cargo,food,2,t,RU-EMERCOM,NKR,\n";

#[test]
fn groups_of_period_dated_entries_and_exchanges_are_the_ledgers() {
    check_groups(&[("periods.csv", PERIODS)]);
    check_groups(&[
        ("entries.csv", ENTRIES),
        ("periods.csv", PERIODS.replace("a,", "pa,").replace("b,", "pb,").as_str()),
    ]);
}

#[test]
fn verification_of_the_seed_reports_is_the_ledgers() {
    let files = [("entries.csv", ENTRIES), ("reports.csv", REPORTS)];
    let (ledger, reports) = ledger_of(&files).unwrap();
    let theirs = ledger.verify(&reports).unwrap();
    for chunk in CHUNKS {
        let folded = fold_of(Fold::reduce(), &files, chunk).unwrap();
        assert_eq!(folded.reports(), &reports[..]);
        assert!(folded.verifies(&reports), "a reduction that keeps everything serves any report");
        let ours = folded.ledger().verify(folded.reports()).unwrap();
        assert_eq!(ours.outcomes(), theirs.outcomes());
        for (o, t) in ours.outcomes().iter().zip(theirs.outcomes()) {
            assert_eq!(
                (o.status(), o.ledger(), o.ledger_high(), o.filled()),
                (t.status(), t.ledger(), t.ledger_high(), t.filled())
            );
        }
        assert_eq!(ours.fills(), theirs.fills(), "fills, in their order");
        // The seed statement's figures: 105 returned to Armenia is a fill of what events do not explain.
        let arm = ours.outcome("mfa-returned-arm").unwrap();
        assert_eq!(arm.reported().to_string(), "105 persons");
    }
}

#[test]
fn verification_of_period_dated_entries_is_the_ledgers() {
    let claims = relief_ledger::parse_claims([
        "exact 25 persons returnees to=UKR since=2024-11 until=2024-11 id=nov",
        "about 3.5 t cargo category=food since=2024-11 until=2024-11 id=food",
        "exact 1 exchanges detainee-transfer until=2020-12-31 id=x",
        "exact 400 persons returnees until=2024-12-31 mode=fill id=all",
    ])
    .unwrap();
    let (ledger, _) = ledger_of(&[("periods.csv", PERIODS)]).unwrap();
    let theirs = ledger.verify(&claims).unwrap();
    for chunk in CHUNKS {
        let folded = fold_of(Fold::reduce(), &[("periods.csv", PERIODS)], chunk).unwrap();
        let ours = folded.ledger().verify(&claims).unwrap();
        assert_eq!(ours.outcomes(), theirs.outcomes());
        assert_eq!(ours.fills(), theirs.fills());
        let nov = ours.outcome("nov").unwrap();
        // 10 (November) + 5 (a day in it) surely; 7 (a range into December) and 3 (the year) possibly.
        assert_eq!((nov.ledger().to_string(), nov.ledger_high().to_string()), ("15".into(), "25".into()));
    }
}

fn both_errors(files: &[(&str, &str)]) -> Vec<String> {
    let theirs = ledger_of(files).unwrap_err().to_string();
    let mut all = vec![theirs.clone()];
    for chunk in CHUNKS {
        for fold in [Fold::group(&Scope::all(), &[Key::Kind]), Fold::reduce()] {
            let ours = fold_of(fold, files, chunk).unwrap_err().to_string();
            assert_eq!(ours, theirs, "chunks of {chunk} bytes");
            all.push(ours);
        }
    }
    all
}

#[test]
fn problems_are_the_loaders_with_their_positions() {
    // Every problem of a file at once, refused whole, in every chunking.
    let bad = "id,date,kind,quantity,unit,to\n\
               c1,2021-04-07,cargo,145,t,NKR\n\
               c2,2021-13-01,cargo,1,t,NKR\n\
               c3,2021-04-08,cargo,\"1,581\",t,NKR\n\
               c1,2021-04-09,cargo,2,t,NKR\n\
               c4,2021-04-10,cargo,3,persons,NKR\n";
    let e = both_errors(&[("bad.csv", bad)]);
    assert!(e[0].contains("bad.csv: line 3"), "{}", e[0]);
    assert!(e[0].contains("bad.csv: line 5, field id: \"c1\" is already used at bad.csv: line 2"), "{}", e[0]);
    // Across files: ids, and a file with problems beside a good one.
    let good = "id,date,kind,quantity,unit,to\nc9,2021-04-07,cargo,145,t,NKR\nc1,2021-04-08,cargo,1,t,NKR\n";
    let first = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\n";
    let e = both_errors(&[("a.csv", first), ("b.csv", good)]);
    assert_eq!(e[0], "b.csv: line 3, field id: \"c1\" is already used at a.csv: line 2; ids must be unique");
    both_errors(&[("a.csv", bad), ("b.csv", good)]);
    // Report ids across files, and an exchange with a third party.
    let r = "id,published,kind,value,unit\nr1,2021-11-09,cargo,1,t\n";
    both_errors(&[("r.csv", r), ("s.csv", r)]);
    let third = "id,date,kind,quantity,unit,from,to,exchange\n\
                 a,2020-12-14,detainee-transfer,44,persons,AZE,ARM,x1\n\
                 b,2020-12-14,detainee-transfer,12,persons,ARM,AZE,x1\n\
                 c,2020-12-15,detainee-transfer,1,persons,GEO,ARM,x1\n";
    let e = both_errors(&[("x.csv", third)]);
    assert!(e[0].contains("third party"), "{}", e[0]);
    // JSON Lines goes the same way.
    let jsonl = "{\"id\": \"j1\", \"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"1\", \"unit\": \"t\", \"to\": \"NKR\"}\n";
    both_errors(&[("a.csv", first), ("j.jsonl", &jsonl.replace("j1", "c1"))]);
}

#[test]
fn json_lines_and_hxl_fold_as_the_ledger_groups() {
    let jsonl = "{\"id\": \"j1\", \"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"145\", \"unit\": \"t\", \"to\": \"NKR\"}\n\
                 {\"id\": \"j2\", \"date\": \"2021-05\", \"kind\": \"cargo\", \"quantity\": \"155\", \"unit\": \"t\", \"to\": \"NKR\"}\n";
    let hxl = "Date,Region,Returned\n#date,#adm1+name,#affected+returnees\n2020-11-14,Stepanakert,250\n2020-12-01,Stepanakert,1168\n";
    check_groups(&[("a.jsonl", jsonl)]);
    let mut assume = relief_ledger::Assumptions::new();
    assume.add("to", "NKR").unwrap();
    let mut loader = Loader::new();
    loader.assume(assume.clone());
    loader.read(hxl.as_bytes(), "returns.hxl", Format::Hxl, Role::Any);
    let (ledger, _) = loader.finish().unwrap();
    for chunk in CHUNKS {
        let mut fold = Fold::group(&Scope::all(), &[Key::Region]);
        fold.assume(assume.clone());
        fold.chunk_size(chunk);
        fold.read(hxl.as_bytes(), "returns.hxl", Format::Hxl, Role::Any);
        same(fold.finish().unwrap().groups(), &ledger.group(&Scope::all(), &[Key::Region]).unwrap());
    }
}

#[test]
fn files_read_by_path_find_ids_used_twice_across_them() {
    let dir = std::env::temp_dir().join(format!("relief-ledger-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.csv");
    let b = dir.join("b.csv");
    std::fs::write(&a, "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\nc2,2021-04-08,cargo,1,t,NKR\n")
        .unwrap();
    std::fs::write(&b, "id,date,kind,quantity,unit,to\nc3,2021-04-07,cargo,145,t,NKR\nc2,2021-04-09,cargo,1,t,NKR\n")
        .unwrap();
    let mut fold = Fold::group(&Scope::all(), &[]);
    fold.read_path(&a, Role::Any);
    fold.read_path(&b, Role::Any);
    let err = fold.finish().unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: line 3, field id: \"c2\" is already used at {}: line 3; ids must be unique",
            b.display(),
            a.display()
        )
    );
    let mut fold = Fold::group(&Scope::all(), &[]);
    fold.read_path(&a, Role::Any);
    fold.read_path(&a, Role::Any);
    assert!(fold.finish().unwrap_err().to_string().contains("is named twice"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// JSON Lines files are folded in chunks of whole lines, never held whole: the groups, the
/// problems and their positions are the loader's, however the lines are cut.
#[test]
fn json_lines_fold_in_chunks_as_the_ledger_reads_them() {
    let doc = relief_ledger::read(ENTRIES.as_bytes(), "entries.csv", Format::Csv, Role::Entries).unwrap();
    let mut jsonl = Vec::new();
    relief_ledger::write(&mut jsonl, Format::Jsonl, &doc.entries, &[]).unwrap();
    let jsonl = String::from_utf8(jsonl).unwrap();
    check_groups(&[("seed.jsonl", &jsonl)]);
    // A byte-order mark at the start, and blank lines between records.
    let spaced = format!("\u{feff}{}", jsonl.replace('\n', "\n\n"));
    check_groups(&[("spaced.jsonl", &spaced)]);
    let line = |id: &str, date: &str| {
        format!(
            "{{\"id\": \"{id}\", \"date\": \"{date}\", \"kind\": \"cargo\", \"quantity\": \"1\", \"unit\": \"t\", \"to\": \"NKR\"}}\n"
        )
    };
    // Problems in several chunks at once: a bad date, a line that is not JSON, an id used again
    // lines later, each at its line and record.
    let bad = [
        line("j1", "2021-04-07"),
        line("j2", "2021-13-01"),
        "{\"id\": \"j3\",\n".to_string(),
        line("j4", "2021-04-09"),
        line("j1", "2021-04-10"),
    ]
    .concat();
    let e = both_errors(&[("bad.jsonl", &bad)]);
    assert!(e[0].contains("bad.jsonl: line 2, field date"), "{}", e[0]);
    assert!(e[0].contains("bad.jsonl: line 3"), "{}", e[0]);
    assert!(e[0].contains("bad.jsonl: line 5, field id: \"j1\" is already used at bad.jsonl: line 1"), "{}", e[0]);
    // Invalid UTF-8 far into the file: its line, counted from the file's start.
    let mut bytes = [line("j1", "2021-04-07"), line("j2", "2021-04-08")].concat().into_bytes();
    bytes.extend_from_slice(b"{\"id\": \"j3\xff\"}\n");
    for chunk in CHUNKS {
        let mut fold = Fold::group(&Scope::all(), &[Key::Kind]);
        fold.chunk_size(chunk);
        fold.read(&bytes[..], "utf8.jsonl", Format::Jsonl, Role::Any);
        let err = fold.finish().unwrap_err().to_string();
        assert!(err.starts_with("utf8.jsonl: line 3"), "chunks of {chunk} bytes: {err}");
    }
}
