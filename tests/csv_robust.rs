//! The CSV reader against hostile input (issue 7): quotes that would mislead the parallel reader's
//! chunk splitter, quotes that never close, hashtag rows in plain CSV, values that spreadsheets
//! would run as formulas, and CR line ends.

use relief_ledger::{
    Dimension, Entry, Format, Kind, Ledger, PartialDate, Period, Quantity, Report, Role, Scope, Unit, read, write,
};
use rust_decimal::Decimal;

/// The entries of `text`, read as CSV.
fn entries(text: &[u8]) -> Result<Vec<Entry>, relief_ledger::Error> {
    read(text, "robust.csv", Format::Csv, Role::Entries).map(|d| d.entries)
}

/// The mass of cargo the entries hold until the end of January 2021, as written.
fn january_mass(entries: Vec<Entry>) -> String {
    let ledger = Ledger::from_entries(entries).unwrap();
    let until: PartialDate = "2021-01-31".parse().unwrap();
    let totals = ledger.totals(&Scope::all().period(Period::until(until))).unwrap();
    totals.get(Dimension::Mass).unwrap().to_string()
}

const HEADER: &str = "id,date,kind,quantity,unit,to,note\n";

/// Issue 7, item 1: a quote in the middle of an unquoted field is an ordinary character, and a
/// quoted note across two lines is one value, whatever the size of the file.
fn stray_quote_file(padding: usize) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for i in 0..30 {
        text.push_str(&format!("o{i},2021-01-{:02},cargo,1,t,NKR,ordinary\n", i % 28 + 1));
    }
    text.push_str("e1,2021-01-01,cargo,5,t,NK\"R,stray quote\n");
    text.push_str("eX,2021-01-02,cargo,1,t,NKR,\"hello\n");
    text.push_str("eZ,2021-01-03,cargo,999,t,NKR,x\"\n");
    for i in 0..padding {
        text.push_str(&format!("p{i},2021-06-01,cargo,1,t,NKR,padding\n"));
    }
    text.into_bytes()
}

#[test]
fn a_large_file_parses_as_its_first_lines_do() {
    let big = stray_quote_file(120_000);
    assert!(big.len() > 4 << 20, "the file spans more than one chunk");
    let first_200: Vec<u8> = {
        let mut lines = big.split_inclusive(|&b| b == b'\n');
        lines.by_ref().take(200).flatten().copied().collect()
    };
    let small = entries(&first_200).unwrap();
    let large = entries(&big).unwrap();
    // 30 ordinary tonnes, 5 for e1 and 1 for eX, whose note holds the line that looks like eZ.
    assert_eq!(january_mass(small), "36 t");
    let note = large.iter().find(|e| e.id() == "eX").and_then(|e| e.note().map(str::to_string));
    assert_eq!(note.as_deref(), Some("hello\neZ,2021-01-03,cargo,999,t,NKR,x"));
    assert!(large.iter().all(|e| e.id() != "eZ"), "no phantom entry eZ");
    assert_eq!(large.len(), 30 + 2 + 120_000);
    assert_eq!(january_mass(large), "36 t");
}

/// The problems of a file that is refused, as printed.
fn refused(text: &[u8], name: &str, format: Format) -> Vec<String> {
    match read(text, name, format, Role::Any) {
        Ok(d) => panic!("{name} was read: {} entries", d.entries.len()),
        Err(e) => e.problems().iter().map(ToString::to_string).collect(),
    }
}

/// Issue 7, item 3: `e1,…,"NKR` followed by more rows was one entry, exit 0.
#[test]
fn a_quote_never_closed_is_an_error_where_it_opens() {
    let text = format!(
        "{HEADER}e0,2021-01-01,cargo,5,t,NKR,fine\ne1,2021-01-01,cargo,5,t,\"NKR,x\ne2,2021-01-02,cargo,1,t,NKR,y\ne3,2021-01-03,cargo,1,t,NKR,z\n"
    );
    let problems = refused(text.as_bytes(), "open.csv", Format::Csv);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("open.csv: line 3, field to: the double quote that opens this value is never closed"),
        "{problems:?}"
    );
    // The same at the end of a file of several chunks.
    let mut big = stray_quote_file(120_000);
    big.extend_from_slice(b"e9,2021-01-09,cargo,1,t,NKR,\"never closed\nq,2021-01-09,cargo,1,t,NKR,q\n");
    let problems = refused(&big, "open.csv", Format::Csv);
    assert_eq!(problems.len(), 1, "{problems:?}");
    // The header, 30 rows, 4 lines of e1, eX and eZ, 120,000 of padding: e9 is on line 120,035.
    assert!(problems[0].contains("line 120035, field note: the double quote"), "{problems:?}");
}

/// Smaller messages: CR-only line ends.
#[test]
fn cr_line_ends_say_so() {
    let text = HEADER.replace('\n', "\r") + "e1,2021-01-01,cargo,5,t,NKR,x\re2,2021-01-01,cargo,5,t,NKR,x\r";
    let problems = refused(text.as_bytes(), "mac.csv", Format::Csv);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("mac.csv: line 1: "), "{problems:?}");
    assert!(problems[0].contains("CR line ends"), "{problems:?}");
    assert!(problems[0].contains("save it with LF or CRLF line ends"), "{problems:?}");
}

/// Issue 7, item 5: a hashtag row under a plain header made the file HXL and dropped the rows above.
#[test]
fn a_hashtag_row_under_a_plain_header_is_ambiguous() {
    let text = format!(
        "{HEADER}e1,2021-01-01,cargo,5,t,NKR,x\n#meta+id,#date,#x_kind,#output+num,#x_unit,#org+dest,#description\ne2,2021-01-01,cargo,5,t,NKR,x\n"
    );
    let problems = refused(text.as_bytes(), "both.csv", Format::Csv);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "both.csv: line 3: line 1 names the columns of an entries file and line 3 is a row of HXL hashtags"
        ),
        "{problems:?}"
    );
    // Named .hxl, the same rows are HXL: the rows above the hashtags are not data.
    let doc = read(text.as_bytes(), "both.hxl", Format::Hxl, Role::Any).unwrap();
    assert_eq!(doc.entries.iter().map(|e| e.id()).collect::<Vec<_>>(), ["e2"]);
    // Human headers above the hashtags are HXL as before, in a .csv too.
    let text = "Id,Date,Kind,Amount,Unit,To\n#meta+id,#date,#x_kind,#output+num,#x_unit,#org+dest\ne2,2021-01-01,cargo,5,t,NKR\n";
    let doc = read(text.as_bytes(), "human.csv", Format::Csv, Role::Any).unwrap();
    assert_eq!(doc.entries.len(), 1);
}

/// Issue 7, item 5: two columns with the same hashtag kept one silently.
#[test]
fn two_columns_for_one_field_are_refused() {
    let text = "Date,Amount,Amount again,Unit,Kind,To\n#date,#output+num,#output+num,#x_unit,#x_kind,#org+dest\n2021-01-01,5,7,t,cargo,NKR\n";
    let problems = refused(text.as_bytes(), "twice.csv", Format::Csv);
    assert_eq!(
        problems,
        [
            "twice.csv: line 2: columns 2 (#output+num) and 3 (#output+num) both give the quantity; keep one of them, or remove the other's hashtag (a column without one is ignored)"
        ]
    );
    // Two hashtags that mean the same field as well as each other.
    let text = "Date,From,From,Amount,Unit,Kind,To\n#date,#org+origin,#country+origin,#output+num,#x_unit,#x_kind,#org+dest\n2021-01-01,RUS,RU,5,t,cargo,NKR\n";
    let problems = refused(text.as_bytes(), "twice.csv", Format::Csv);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("columns 2 (#org+origin) and 3 (#country+origin) both give the from"), "{problems:?}");
    // The most specific column still wins: a name over a code, a total over its breakdown.
    let text = "Date,District,Code,Returnees,Women\n#date,#adm1+name,#adm1+code,#affected+returnees,#affected+returnees+f\n2020-11-14,Stepanakert,AM-01,250,100\n";
    let mut assume = relief_ledger::Assumptions::new();
    assume.add_pair("to=NKR").unwrap();
    let doc = relief_ledger::read_with(text.as_bytes(), "returns.csv", Format::Csv, Role::Any, &assume).unwrap();
    assert_eq!(doc.entries[0].region(), Some("Stepanakert"));
    assert_eq!(doc.entries[0].quantity().to_string(), "250 persons");
}

/// Values that spreadsheets run as formulas (OWASP's list), and quotes that a reader takes off.
const HOSTILE: [&str; 9] =
    ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"y\")", "'=quoted", "''", "'", "'+'"];

fn hostile_entries() -> Vec<Entry> {
    let day = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let mut entries = Vec::new();
    for (i, v) in HOSTILE.iter().enumerate() {
        let q = Quantity::new(Decimal::from(i as i64 + 1), Unit::Tonne).unwrap();
        let e = Entry::builder(Kind::Cargo, day, q)
            .id(format!("{v}{i}"))
            .item(*v)
            .from(format!("{v}from"))
            .to(format!("{v}to"))
            .via(*v)
            .region(*v)
            .source(*v)
            .note(*v)
            .build()
            .unwrap();
        entries.push(e);
    }
    // Note and source may begin with a tab or a CR, which some spreadsheets skip before a formula.
    for (i, v) in ["\t=1+1", "\r=1+1", "\t-"].iter().enumerate() {
        let q = Quantity::new(Decimal::ONE, Unit::Tonne).unwrap();
        let e = Entry::builder(Kind::Cargo, day, q).id(format!("ws{i}")).to("NKR").source(*v).note(*v).build().unwrap();
        entries.push(e);
    }
    entries
}

fn hostile_reports() -> Vec<Report> {
    let day = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    HOSTILE
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let q = Quantity::new(Decimal::from(i as i64 + 1), Unit::Tonne).unwrap();
            Report::builder(format!("{v}{i}"), day, Kind::Cargo, q)
                .item(*v)
                .from(format!("{v}from"))
                .to(format!("{v}to"))
                .via(*v)
                .region(*v)
                .source(*v)
                .build()
                .unwrap()
        })
        .collect()
}

/// Issue 7, item 7: no written cell begins with a formula character, and what is written reads
/// back to the same entries and reports, in CSV and in HXL.
#[test]
fn formulas_are_defused_and_read_back() {
    let entries = hostile_entries();
    let reports = hostile_reports();
    for format in [Format::Csv, Format::Hxl] {
        for (entries, reports, role) in [(&entries[..], &[][..], Role::Entries), (&[][..], &reports[..], Role::Reports)]
        {
            let mut out = Vec::new();
            write(&mut out, format, entries, reports).unwrap();
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&out[..]);
            for record in rdr.records() {
                for cell in record.unwrap().iter() {
                    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
                    assert!(!risky || cell.parse::<Decimal>().is_ok(), "{format}: {cell:?} would run as a formula");
                }
            }
            let text = String::from_utf8(out.clone()).unwrap();
            assert!(text.contains(",'=1+1,"), "{text}");
            assert!(text.contains(",''=quoted,"), "a value that begins with a quote keeps it: {text}");
            let back = read(&out[..], "back", format, role).unwrap();
            assert_eq!(back.entries, entries, "{format}: {text}");
            assert_eq!(back.reports, reports, "{format}: {text}");
        }
    }
}

/// A value a person escaped with a quote in a spreadsheet reads as the text it shows.
#[test]
fn a_quote_before_a_formula_is_taken_off() {
    let text = format!("{HEADER}'=e1,2021-01-01,cargo,5,t,NKR,'-note\ne2,2021-01-01,cargo,5,t,NKR,'plain\n");
    let doc = entries(text.as_bytes()).unwrap();
    assert_eq!((doc[0].id(), doc[0].note()), ("=e1", Some("-note")));
    assert_eq!(doc[1].note(), Some("'plain"), "a quote before other text is kept");
}

#[test]
fn a_row_of_one_field_says_one_field() {
    let err = entries(b"id,date,kind,quantity,unit,to\nlonely\n").unwrap_err().to_string();
    assert!(err.contains("line 2: has 1 field, but the header has 6"), "{err}");
}

#[test]
fn a_huge_first_line_is_echoed_cut_to_a_few_characters() {
    // 10 MB of one word where a header should be: the message names it, cut, with its length.
    let mut file = "x".repeat(10_000_000).into_bytes();
    file.extend_from_slice(b"\nc1,2021-04-07,cargo,145,t,NKR\n");
    let err = entries(&file).unwrap_err().to_string();
    assert!(err.len() < 1_000, "{} bytes of message", err.len());
    assert!(err.contains("(10000000 characters)"), "{err}");
}

#[test]
fn a_long_id_used_twice_is_echoed_cut() {
    let id = "i".repeat(100_000);
    let file =
        format!("id,date,kind,quantity,unit,to\n{id},2021-04-07,cargo,145,t,NKR\n{id},2021-04-08,cargo,5,t,NKR\n");
    let mut loader = relief_ledger::Loader::new();
    loader.read(file.as_bytes(), "ids.csv", relief_ledger::Format::Csv, relief_ledger::Role::Entries);
    let err = loader.finish().unwrap_err().to_string();
    assert!(err.len() < 1_000, "{} bytes of message", err.len());
    assert!(err.contains("(100000 characters)") && err.contains("ids must be unique"), "{err}");
}

#[test]
fn an_id_used_twice_is_listed_with_the_file_s_other_problems() {
    // Every problem of a file at once: the bad unit, and the id used twice, in every format.
    use relief_ledger::{Format, ProblemKind, Role, read};
    let files = [
        (Format::Csv, "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\nc1,2021-04-08,cargo,5,t,NKR\nc2,2021-04-09,cargo,1,tons,NKR\n".to_string()),
        (Format::Jsonl, [
            r#"{"id":"c1","date":"2021-04-07","kind":"cargo","quantity":"145","unit":"t","to":"NKR"}"#,
            r#"{"id":"c1","date":"2021-04-08","kind":"cargo","quantity":"5","unit":"t","to":"NKR"}"#,
            r#"{"id":"c2","date":"2021-04-09","kind":"cargo","quantity":"1","unit":"tons","to":"NKR"}"#,
        ].join("\n")),
        (Format::Json, format!("{{\"entries\": [\n{}\n]}}", [
            r#"{"id":"c1","date":"2021-04-07","kind":"cargo","quantity":"145","unit":"t","to":"NKR"},"#,
            r#"{"id":"c1","date":"2021-04-08","kind":"cargo","quantity":"5","unit":"t","to":"NKR"},"#,
            r#"{"id":"c2","date":"2021-04-09","kind":"cargo","quantity":"1","unit":"tons","to":"NKR"}"#,
        ].join("\n"))),
    ];
    // The second c1 and the line of the first: CSV and JSON open with a header line, JSON Lines does not.
    for ((format, text), (line, first)) in files.into_iter().zip([(3, 2), (2, 1), (3, 2)]) {
        let err = read(text.as_bytes(), "f", format, Role::Entries).unwrap_err();
        let kinds: Vec<ProblemKind> = err.problems().iter().map(|p| p.kind()).collect();
        assert!(kinds.contains(&ProblemKind::BadUnit) && kinds.contains(&ProblemKind::DuplicateId), "{format}: {err}");
        let twice = err.problems().iter().find(|p| p.kind() == ProblemKind::DuplicateId).unwrap();
        assert_eq!(twice.position.line, Some(line), "{format}: {err}");
        assert!(twice.to_string().contains(&format!("\"c1\" is already used at f: line {first}")), "{format}: {twice}");
    }
}

#[test]
fn text_after_a_closing_quote_is_refused_not_joined_to_the_value() {
    // csv_core reads `"1"581` as 1581 and `"0."5` as 0.5; the file does not say which figure it means.
    let file = b"id,date,kind,quantity,unit,to,note\na,2021-01-01,cargo,\"1\"581,t,ARM,x\nb,2021-01-01,cargo,5,t,ARM,\"he said \"hi\" ok\"\nc,2021-01-01,cargo,\"5\",t,ARM,\"a \"\"b\"\" c\"\n";
    let err = entries(file).unwrap_err();
    let problems: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{err}");
    assert!(
        problems[0].starts_with("robust.csv: line 2, field quantity: has text after the double quote that closes it"),
        "{err}"
    );
    assert!(problems[1].starts_with("robust.csv: line 3, field note: has text after the double quote"), "{err}");
    // Quoted values written as CSV writes them read as before.
    let ok = b"id,date,kind,quantity,unit,to,note\nc,2021-01-01,cargo,\"5\",t,ARM,\"a \"\"b\"\" c\"\n";
    assert_eq!(entries(ok).unwrap()[0].note(), Some("a \"b\" c"));
}

/// A file of many columns: the columns after the 32nd are read like the others, in plain CSV
/// (after columns without a name) and in HXL (after columns without a hashtag), quoted or not,
/// through every reader; a value under a nameless column that far out is still refused.
#[test]
fn columns_after_the_thirty_second_are_read() {
    let blank = ",".repeat(40);
    // Plain CSV: 40 nameless columns, empty in every row, then the named ones.
    let plain = format!(
        "{blank}id,date,kind,quantity,unit,to,item\n{blank}c1,2021-04-07,cargo,145,t,NKR,flour\n{blank}c2,2021-04-08,cargo,5,t,NKR,\"tents, winter\"\n"
    );
    // HXL: 40 untagged columns of other data, then the tagged ones.
    let junk = "x,".repeat(40);
    let hxl = format!(
        "{junk}id,date,kind,quantity,unit,to,item\n{blank}#x_id,#date,#x_kind,#output +num,#x_unit,#org +dest,#item +name\n{junk}c1,2021-04-07,cargo,145,t,NKR,flour\n{junk}c2,2021-04-08,cargo,5,t,NKR,\"tents, winter\"\n"
    );
    for (text, format) in [(&plain, Format::Csv), (&hxl, Format::Hxl)] {
        let doc = read(text.as_bytes(), "wide.csv", format, Role::Entries).unwrap();
        let items: Vec<String> =
            doc.entries.iter().map(|e| e.item().map(|i| i.to_string()).unwrap_or_default()).collect();
        assert_eq!(items, ["flour", "tents, winter"], "{format:?}");
        let mut loader = relief_ledger::Loader::new();
        loader.read(text.as_bytes(), "wide.csv", format, Role::Entries);
        let (ledger, _) = loader.finish().unwrap();
        let groups = ledger.group(&Scope::all(), &[relief_ledger::Key::Item]).unwrap();
        let keys: Vec<String> = groups.iter().map(|g| g.key()[0].to_string()).collect();
        assert_eq!(keys, ["flour", "tents, winter"], "{format:?}");
        let summed = relief_ledger::stream::group(
            text.as_bytes(),
            "wide.csv",
            format,
            &Scope::all(),
            &[relief_ledger::Key::Item],
        )
        .unwrap();
        let keys: Vec<String> = summed.iter().map(|g| g.key()[0].to_string()).collect();
        assert_eq!(keys, ["flour", "tents, winter"], "{format:?}");
    }
    // A value under a nameless column after the 32nd is refused, as one before it is.
    let stray = plain.replacen(&format!("{blank}c1"), &format!("{},lost,{}c1", ",".repeat(34), ",".repeat(4)), 1);
    let problems = refused(stray.as_bytes(), "wide.csv", Format::Csv);
    assert!(problems.iter().any(|p| p.contains("\"lost\" has no column name")), "{problems:?}");
}
