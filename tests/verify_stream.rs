//! Verification on the streaming path (issue 12): a ledger reduced to what the reports can tell
//! apart ([`Fold::reduce_for`]) verifies them as the whole ledger does, outcome by outcome and fill
//! by fill; and `relief-ledger verify`, which folds its files so, prints what the whole ledger's
//! outcomes are, wherever the reports come from. Charts likewise: a ledger reduced for groups
//! ([`Fold::reduce_for_group`]) runs the whole ledger's totals, and `chart` draws them.

mod common;

use common::*;
use proptest::prelude::*;
use relief_ledger::stream::Fold;
use relief_ledger::{Format, Ledger, Loader, Report, Role, parse_claims};

/// Chunk sizes from one byte (a chunk per record) to the default.
const CHUNKS: [usize; 3] = [1, 300, 4 << 20];

/// Entries naming every scope field, categories of three kinds, dates to a month and a range,
/// several units of a dimension, and exchanges. Figures from `../shared/data/public-figures.md`
/// where there are some (TASS 2020-11-24: 45 t of construction material and 300 t; MoD: 145 t on
/// 2021-04-07 and 155 t on 2021-05-26; AP: 44 and 12 detainees on 2020-12-14).
const VARIED: &str = "\
id,date,kind,category,item,quantity,unit,from,to,via,region,source,note,mines,exchange
c1,2020-11-24,cargo,construction-material,cement,45,t,RU-EMERCOM,NKR,RU-PKF,Stepanakert,TASS,,,
c2,2020-11-24,cargo,humanitarian,flour,300,t,RU-EMERCOM,NKR,,Stepanakert,TASS,,,
c3,2021-04-07,cargo,humanitarian,flour,145000,kg,RU-EMERCOM,NKR,RU-PKF,Martuni,MoD,,,
c4,2021-05-26,cargo,humanitarian,glass,155,t,RU-EMERCOM,NKR,,Martakert,MoD,,,
c5,2021-05,cargo,medical,,12.5,t,ICRC,NKR,,Stepanakert,,,,
c6,2021..2022,cargo,shelter,tents,3.125,t,UNHCR,NKR,,,,,,
c7,2021-06-30,cargo,shelter,glass,2000,m2,RU-EMERCOM,NKR,,,,,,
c8,2021-06-30,cargo,humanitarian,flour,0.001,t,RU-EMERCOM,NKR,,Stepanakert,,,,
r1,2020-11-14,returnees,,,250,persons,,NKR,RU-PKF,,,,,
r2,2020-12,returnees,,,1000,persons,ARM,NKR,,,,,,
r3,2021-03-01,returnees,,,700,persons,ARM,NKR,,Stepanakert,,,,
d1,2020-12-14,detainee-transfer,pow,,44,persons,AZE,ARM,RU-PKF,,AP,,,x1
d2,2020-12-14,detainee-transfer,pow,,12,persons,ARM,AZE,RU-PKF,,AP,,,x1
d3,2021-02-10,detainee-transfer,civilian,,5,persons,AZE,ARM,,,,,,x2
d4,2021-06-12,detainee-transfer,civilian,,15,persons,AZE,ARM,,,,,,x3
m1,2021-06-12,minefield-maps,,,1,packages,ARM,AZE,,Agdam,,,97000,x3
m2,2021-07,minefield-maps,,,1,packages,ARM,AZE,,Fuzuli,,,,
dm1,2021-03-01,demining,area-cleared,,120.5,ha,RU-PKF,NKR,,Stepanakert,,,,
dm2,2021-03,demining,explosives-neutralised,,1500,items,RU-PKF,NKR,,,,,,
";

/// Reports naming each scope field, categories, periods that hold month- and range-dated entries
/// in part, running totals filled in order (with and without `since`), and counts of exchanges.
const CLAIMS: [&str; 22] = [
    "exact 122 persons detainee-transfer since=2020-12-02 until=2021-11-09 id=all",
    "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 mode=fill id=arm-fill",
    "exact 17 persons detainee-transfer to=AZE since=2020-12-02 until=2021-11-09 mode=fill id=aze-fill",
    "about 60 persons detainee-transfer category=pow until=2020-12-31 id=pow",
    "more-than 3 exchanges detainee-transfer until=2021-11-09 id=x",
    "at-least 1 exchanges minefield-maps until=2021-06-30 id=xm",
    "exact 2 exchanges detainee-transfer from=AZE until=2021-03-01 id=x-from",
    "exact 445 t cargo from=RU-EMERCOM until=2021-04-30 id=from",
    "about 2100 t cargo until=2021-04-07 id=mod",
    "exact 1581 t cargo category=humanitarian since=2020-12 until=2021-06 mode=fill id=mfa",
    "exact 450 t cargo item=flour until=2021-12-31 id=flour",
    "exact 190 t cargo via=RU-PKF until=2021-12-31 id=via",
    "exact 312.5 t cargo region=Stepanakert until=2021 id=region",
    "exact 2000 m2 cargo item=glass until=2021-12-31 id=glass-area",
    "exact 10 t cargo category=medical since=2021-05-15 until=2021-06-15 id=month-part",
    "at-most 4 t cargo category=shelter until=2022-06-30 id=range",
    "exact 300 persons returnees to=NKR until=2020-11-30 mode=fill id=ret1",
    "exact 2000 persons returnees to=NKR until=2020-12-31 mode=fill id=ret2",
    "about 53000 persons returnees to=NKR until=2021-11-09 mode=fill id=ret3",
    "exact 700 persons returnees region=Stepanakert since=2021 until=2021 id=ret-region",
    "at-most 1 packages minefield-maps to=AZE until=2021-06-30 id=maps",
    "exact 120.5 ha demining region=Stepanakert until=2021-12-31 id=dm",
];

fn claims() -> Vec<Report> {
    parse_claims(CLAIMS).expect("the claims parse")
}

/// The whole ledger of `files`.
fn whole(files: &[(&str, &str)]) -> Ledger {
    let mut loader = Loader::new();
    for (name, text) in files {
        loader.read(text.as_bytes(), name, Format::Csv, Role::Entries);
    }
    loader.finish().expect("the files load").0
}

/// The ledger of `files` reduced for `reports`, its files cut into chunks of `chunk` bytes.
fn reduced(files: &[(&str, &str)], reports: &[Report], chunk: usize) -> Ledger {
    let mut fold = Fold::reduce_for(reports);
    fold.chunk_size(chunk);
    for (name, text) in files {
        fold.read(text.as_bytes(), name, Format::Csv, Role::Entries);
    }
    let folded = fold.finish().expect("the files fold");
    assert!(folded.verifies(reports), "a fold made for the reports verifies them");
    folded.into_parts().0
}

/// The reduced ledger verifies `reports` as the whole ledger does: every outcome's record, and
/// the fills' unattributed entries (their dates are the gaps they explain).
fn same_verification(files: &[(&str, &str)], reports: &[Report]) {
    let ledger = whole(files);
    let theirs = ledger.verify(reports).expect("the whole ledger verifies");
    for chunk in CHUNKS {
        let small = reduced(files, reports, chunk);
        assert!(small.len() <= ledger.len(), "a reduction holds no more entries than the ledger");
        let ours = small.verify(reports).expect("the reduced ledger verifies");
        assert_eq!(ours.outcomes(), theirs.outcomes(), "outcomes, chunks of {chunk} bytes");
        for (o, t) in ours.outcomes().iter().zip(theirs.outcomes()) {
            assert_eq!(
                (o.ledger_high(), o.filled(), o.difference(), o.interval()),
                (t.ledger_high(), t.filled(), t.difference(), t.interval()),
                "report {}",
                t.report_id()
            );
        }
        assert_eq!(ours.fills(), theirs.fills(), "fills, chunks of {chunk} bytes");
    }
}

#[test]
fn varied_reports_verify_as_on_the_whole_ledger() {
    let reports = claims();
    same_verification(&[("varied.csv", VARIED)], &reports);
    // The data exercises what it is meant to: fills, an undecided figure, counts of exchanges.
    let v = whole(&[("varied.csv", VARIED)]);
    let v = v.verify(&reports).unwrap();
    let status = |id: &str| v.outcome(id).map(|o| o.status().to_string()).unwrap_or_default();
    assert_eq!(status("arm-fill"), "filled");
    assert_eq!(status("ret3"), "filled");
    assert_eq!(status("month-part"), "undecided");
    assert_eq!(v.outcome("x").map(|o| o.ledger().to_string()), Some("3".into()), "x1, x2, x3");
}

#[test]
fn each_report_alone_verifies_as_on_the_whole_ledger() {
    // Alone, a report's fold keeps only its own fields: the coarsest reductions.
    for r in claims() {
        same_verification(&[("varied.csv", VARIED)], std::slice::from_ref(&r));
    }
}

#[test]
fn entries_in_several_files_verify_as_in_one() {
    let lines: Vec<&str> = VARIED.lines().collect();
    let (header, rows) = lines.split_first().unwrap();
    let half = rows.len() / 2;
    let a = format!("{header}\n{}\n", rows[..half].join("\n"));
    let b = format!("{header}\n{}\n", rows[half..].join("\n"));
    same_verification(&[("a.csv", &a), ("b.csv", &b)], &claims());
}

#[test]
fn the_seed_statement_verifies_as_on_the_whole_ledger() {
    let entries = include_str!("../examples/data/karabakh-2021/entries.csv");
    let doc = relief_ledger::read(
        include_str!("../examples/data/karabakh-2021/reports.csv").as_bytes(),
        "reports.csv",
        Format::Csv,
        Role::Reports,
    )
    .unwrap();
    same_verification(&[("entries.csv", entries)], &doc.reports);
}

#[test]
fn a_reduction_verifies_only_reports_that_name_nothing_more() {
    let narrow = parse_claims(["exact 450 t cargo item=flour until=2021-12-31 id=flour"]).unwrap();
    let mut fold = Fold::reduce_for(&narrow);
    fold.read(VARIED.as_bytes(), "varied.csv", Format::Csv, Role::Entries);
    let folded = fold.finish().unwrap();
    let wider = [
        "exact 450 t cargo item=glass until=2021-12-31 id=glass",
        "exact 450 t cargo category=humanitarian until=2021-12-31 id=cat",
        "exact 450 t cargo item=flour until=2021-06-30 id=until",
        "exact 450 t cargo item=flour since=2021 until=2021-12-31 id=since",
        "exact 2 persons returnees item=flour until=2021-12-31 id=kind",
        "exact 2 exchanges cargo item=flour until=2021-12-31 id=count",
    ];
    for claim in wider {
        let r = parse_claims([claim]).unwrap();
        assert!(!folded.verifies(&r), "{claim}: names what the fold did not keep");
    }
    let same = parse_claims(["at-least 1 t cargo item=flour until=2021-12-31 id=other"]).unwrap();
    assert!(folded.verifies(&same), "the same fields and period: the fold serves");
    assert!(folded.ledger().len() < whole(&[("varied.csv", VARIED)]).len());
}

#[test]
fn stream_verify_gives_the_whole_ledgers_outcomes() {
    let reports = claims();
    let ours = relief_ledger::stream::verify(VARIED.as_bytes(), "varied.csv", Format::Csv, &reports).unwrap();
    let ledger = whole(&[("varied.csv", VARIED)]);
    assert_eq!(ours, ledger.verify(&reports).unwrap().outcomes());
}

// ---- random small ledgers and reports ----

const DAY0: (i32, u32, u32) = (2021, 1, 1);

fn day(offset: u32) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(DAY0.0, DAY0.1, DAY0.2).unwrap() + chrono::Days::new(u64::from(offset));
    d.to_string()
}

/// A date of an entry: a day of the first 90, or a month of the first three, or a range.
fn date_of(kind: u8, a: u32) -> String {
    match kind {
        0..=5 => day(a % 90),
        6 => format!("2021-0{}", 1 + a % 3),
        _ => format!("{}..{}", day(a % 60), day(a % 60 + 20)),
    }
}

/// One entry's cells from random numbers.
fn entry_line(i: usize, e: &(u8, u8, u8, u8, u32, u32, u8)) -> String {
    let &(kind, item, to, cat, date, mantissa, scale) = e;
    let dated = date_of(date as u8 % 8, date);
    match kind % 3 {
        0 => {
            let items = ["", "flour", "glass"];
            let cats = ["", "humanitarian", "food"];
            let unit = if scale % 2 == 0 { "t" } else { "kg" };
            let q = format!("{}", rust_decimal::Decimal::new(i64::from(mantissa), u32::from(scale % 4)));
            format!(
                "e{i},{dated},cargo,{},{},{q},{unit},RU-EMERCOM,{},,,,,,",
                cats[cat as usize % 3],
                items[item as usize % 3],
                ["NKR", "ARM", "AZE"][to as usize % 3]
            )
        }
        1 => format!(
            "e{i},{dated},returnees,,,{},persons,,{},,,,,,",
            mantissa % 500 + 1,
            ["NKR", "ARM"][to as usize % 2]
        ),
        _ => {
            let (from, to) = if to % 2 == 0 { ("AZE", "ARM") } else { ("ARM", "AZE") };
            // Exchanges of day-dated transfers only, three days to an exchange: valid together.
            let exchange = if date as u8 % 8 <= 5 { format!("x{}", (date % 90) / 3) } else { String::new() };
            let cat = ["", "pow", "civilian"][cat as usize % 3];
            format!("e{i},{dated},detainee-transfer,{cat},,{},persons,{from},{to},,,,,,{exchange}", mantissa % 50 + 1)
        }
    }
}

/// One claim from random numbers; ids are unique by position.
fn claim_line(i: usize, r: &(u8, u8, u8, u8, u32, u32, u8)) -> String {
    let &(kind, named, qual, mode, since, until, value) = r;
    let (kind_name, unit) = match kind % 4 {
        0 => ("cargo", if value % 2 == 0 { "t" } else { "kg" }),
        1 => ("returnees", "persons"),
        2 => ("detainee-transfer", "persons"),
        _ => ("detainee-transfer", "exchanges"),
    };
    let mut scope = String::new();
    if named & 1 != 0 {
        scope += if kind % 4 == 0 { " item=flour" } else { " to=ARM" };
    }
    if named & 2 != 0 {
        scope += match kind % 4 {
            0 => " category=humanitarian",
            1 => " to=NKR",
            _ => " category=pow",
        };
    }
    if named & 4 != 0 && kind % 4 == 0 {
        scope += " to=NKR";
    }
    if named & 8 != 0 {
        scope += &format!(" since={}", day(since % 100));
    }
    let until = day(since % 100 + until % 60);
    let qualifier = ["exact", "about", "at-least", "at-most"][qual as usize % 4];
    let fill = if mode % 3 == 0 && qual % 4 < 2 && unit != "exchanges" { " mode=fill" } else { "" };
    format!("{qualifier} {} {unit} {kind_name}{scope} until={until}{fill} id=r{i}", u32::from(value) * 7 + 1)
}

fn entries_csv(entries: &[(u8, u8, u8, u8, u32, u32, u8)]) -> String {
    let mut text =
        String::from("id,date,kind,category,item,quantity,unit,from,to,via,region,source,note,mines,exchange\n");
    for (i, e) in entries.iter().enumerate() {
        text += &entry_line(i, e);
        text.push('\n');
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_ledgers_verify_alike_reduced_or_whole(
        entries in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<u32>(), 1u32..100_000, any::<u8>()), 0..40),
        claims in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<u32>(), any::<u32>(), any::<u8>()), 1..8),
    ) {
        let text = entries_csv(&entries);
        let lines: Vec<String> = claims.iter().enumerate().map(|(i, c)| claim_line(i, c)).collect();
        // A fill that cannot record its entry is refused as it is built: such claims are left out.
        let reports: Vec<Report> = lines.iter().filter_map(|l| parse_claims([l.as_str()]).ok()).flatten().collect();
        prop_assume!(!reports.is_empty());
        let mut loader = Loader::new();
        loader.read(text.as_bytes(), "random.csv", Format::Csv, Role::Entries);
        let ledger = loader.finish().map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?.0;
        let theirs = ledger.verify(&reports);
        for chunk in [1, 4 << 20] {
            let mut fold = Fold::reduce_for(&reports);
            fold.chunk_size(chunk);
            fold.read(text.as_bytes(), "random.csv", Format::Csv, Role::Entries);
            let small = fold.finish().map_err(|e| TestCaseError::fail(e.to_string()))?.into_parts().0;
            let ours = small.verify(&reports);
            match (&ours, &theirs) {
                (Ok(o), Ok(t)) => {
                    prop_assert_eq!(o.outcomes(), t.outcomes(), "{}\n{:?}", text, lines);
                    prop_assert_eq!(o.fills(), t.fills());
                }
                (o, t) => prop_assert_eq!(o.as_ref().err().map(|e| e.to_string()), t.as_ref().err().map(|e| e.to_string())),
            }
        }
    }
}

// ---- the command line ----

/// `verify` prints, for reports given with `--reports` or among the positional files, the
/// outcomes of the whole ledger, as the library writes them.
#[test]
fn verify_prints_the_whole_ledgers_outcomes_wherever_the_reports_are() {
    let dir = scratch();
    std::fs::write(dir.join("entries.csv"), VARIED).unwrap();
    let reports = claims();
    // A reports file as the library writes one (CSV without entries holds the reports alone).
    let mut out = Vec::new();
    relief_ledger::write(&mut out, Format::Csv, &[], &reports).unwrap();
    let text = String::from_utf8(out).unwrap();
    std::fs::write(dir.join("reports.csv"), &text).unwrap();
    // Half of them too: the positional file then names more than --reports (folds again).
    let lines: Vec<&str> = text.lines().collect();
    let half = format!("{}\n{}\n", lines[0], lines[1..12].join("\n"));
    let rest = format!("{}\n{}\n", lines[0], lines[12..].join("\n"));
    std::fs::write(dir.join("first.csv"), half).unwrap();
    std::fs::write(dir.join("second.csv"), rest).unwrap();

    let ledger = whole(&[("varied.csv", VARIED)]);
    let v = ledger.verify(&reports).unwrap();
    for (format, lib) in [("csv", Format::Csv), ("json", Format::Json)] {
        let mut expected = Vec::new();
        relief_ledger::write_outcomes(&mut expected, lib, &v).unwrap();
        let expected = String::from_utf8(expected).unwrap();
        let runs = [
            vec!["verify", "entries.csv", "--reports", "reports.csv", "--format", format],
            vec!["verify", "entries.csv", "reports.csv", "--format", format],
            vec!["verify", "entries.csv", "first.csv", "--reports", "second.csv", "--format", format],
        ];
        for args in runs {
            let o = run_in(&dir, &args);
            assert_eq!(o.status.code(), Some(if v.is_success() { 0 } else { 1 }), "{args:?}: {}", stderr(&o));
            assert_eq!(stdout(&o), expected, "{args:?}");
        }
    }
    // The table too: the same between a positional file and --reports.
    let a = run_in(&dir, &["verify", "entries.csv", "--reports", "reports.csv"]);
    let b = run_in(&dir, &["verify", "entries.csv", "reports.csv"]);
    assert_eq!((stdout(&a), a.status.code()), (stdout(&b), b.status.code()));
    assert!(stdout(&a).contains("22 reports"), "{}", stdout(&a));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_with_claims_prints_the_whole_ledgers_outcomes() {
    let dir = scratch();
    std::fs::write(dir.join("entries.csv"), VARIED).unwrap();
    let mut args = vec!["verify", "entries.csv", "--format", "csv"];
    for c in CLAIMS {
        args.extend(["--claim", c]);
    }
    let o = run_in(&dir, &args);
    let ledger = whole(&[("varied.csv", VARIED)]);
    let reports = claims();
    let v = ledger.verify(&reports).unwrap();
    let mut expected = Vec::new();
    relief_ledger::write_outcomes(&mut expected, Format::Csv, &v).unwrap();
    assert_eq!(stdout(&o), String::from_utf8(expected).unwrap(), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Scopes and keys of charts: every kind or one, named values, categories, exchanges, a period.
fn chart_cases() -> Vec<(relief_ledger::Scope, Vec<relief_ledger::Key>)> {
    use relief_ledger::{Key, Kind, Scope};
    let period = Scope::all().period("2020-12-01..2021-06-30".parse().unwrap());
    vec![
        (Scope::all(), vec![Key::Kind]),
        (Scope::all(), vec![Key::Kind, Key::To]),
        (Scope::all().kind(Kind::Cargo), vec![Key::Category]),
        (Scope::all().kind(Kind::Cargo).region("Stepanakert"), vec![Key::Item, Key::Via]),
        (Scope::all().kind(Kind::DetaineeTransfer), vec![Key::From, Key::Exchange]),
        (Scope::all().to("NKR"), vec![Key::Kind, Key::Region]),
        (period.kind(Kind::Returnees), vec![Key::From]),
        (Scope::all().category(relief_ledger::Category::Humanitarian), vec![]),
    ]
}

/// Running totals (and totals, and group sums) of a ledger reduced for a chart's scope and keys are
/// the whole ledger's, by day and by month, however the files are cut.
#[test]
fn a_reduction_for_groups_runs_the_whole_ledgers_totals() {
    use relief_ledger::Step;
    // Two files: the second one's header added back.
    let header = VARIED.lines().next().unwrap();
    let (first, rest) = VARIED.split_at(VARIED[..VARIED.len() / 2].rfind('\n').unwrap() + 1);
    let second = format!("{header}\n{rest}");
    let split = [("a.csv", first), ("b.csv", second.as_str())];
    let ledger = whole(&[("varied.csv", VARIED)]);
    for (scope, keys) in chart_cases() {
        for chunk in CHUNKS {
            let mut fold = Fold::reduce_for_group(&scope, &keys);
            fold.chunk_size(chunk);
            for (name, text) in split {
                fold.read(text.as_bytes(), name, Format::Csv, Role::Entries);
            }
            let reduced = fold.finish().expect("the files fold").into_parts().0;
            assert!(reduced.len() <= ledger.len());
            for step in [Step::Day, Step::Month] {
                assert_eq!(
                    reduced.running(&scope, &keys, step).unwrap(),
                    ledger.running(&scope, &keys, step).unwrap(),
                    "{scope} by {keys:?}, chunks of {chunk}"
                );
            }
            assert_eq!(reduced.totals(&scope).unwrap(), ledger.totals(&scope).unwrap(), "{scope}");
            let sums = |l: &Ledger| -> Vec<String> {
                l.group(&scope, &keys).unwrap().iter().map(|g| format!("{:?} {}", g.key(), g.totals())).collect()
            };
            assert_eq!(sums(&reduced), sums(&ledger), "{scope} by {keys:?}");
        }
    }
}

/// `chart` draws what the library draws from the whole ledger.
#[test]
fn chart_draws_the_whole_ledgers_running_totals() {
    use relief_ledger::{Key, Kind, Scope, Step, Unit};
    let dir = scratch();
    std::fs::write(dir.join("entries.csv"), VARIED).unwrap();
    let ledger = whole(&[("varied.csv", VARIED)]);
    let svg = dir.join("chart.svg");
    let out =
        run_in(&dir, &["chart", "entries.csv", "--kind", "detainee-transfer", "--by", "to", "--out", "chart.svg"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scope = Scope::all().kind(Kind::DetaineeTransfer);
    let series = ledger.running(&scope, &[Key::To], Step::Day).unwrap();
    let expected = relief_ledger::chart_svg(&series, Unit::Persons, &format!("Running totals: {scope}")).unwrap();
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), expected);
}
