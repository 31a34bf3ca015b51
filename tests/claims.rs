//! Claims in one line (issue 8, item 5) and the assertion for tests (item 6).

use proptest::prelude::*;
use relief_ledger::{
    Category, Entry, Kind, Ledger, Mode, PartialDate, Qualifier, Report, Status, Unit, assert_claims, parse_claim,
    parse_claims,
};
use rust_decimal::Decimal;

/// The 1-based column where `needle` starts in `line` (in characters).
fn col(line: &str, needle: &str) -> usize {
    let byte = line.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in {line:?}"));
    line[..byte].chars().count() + 1
}

/// The one problem of a line that should be refused.
fn error(line: &str) -> String {
    let err = parse_claim(line).expect_err(line);
    assert!(err.is_data(), "{err}");
    assert_eq!(err.problems().len(), 1, "one problem expected for {line:?}: {err}");
    err.to_string()
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// The seed figures: four dated exchanges that returned 44, 5, 15 and 15 persons to Armenia.
fn seed_ledger() -> Ledger {
    let mut ledger = Ledger::new();
    for (d, n) in [("2020-12-14", 44), ("2021-02-10", 5), ("2021-06-12", 15), ("2021-07-03", 15)] {
        let e = Entry::detainee_transfer(date(d), format!("{n} persons").parse().unwrap())
            .from("AZE")
            .to("ARM")
            .source("ICRC")
            .build()
            .unwrap();
        ledger.insert(e).unwrap();
    }
    ledger
}

// ---- grammar ----

#[test]
fn the_issue_claim_parses_to_the_report_the_builder_makes() {
    let r = parse_claim("exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09").unwrap();
    let built = Report::builder("claim-1", date("2021-11-09"), Kind::DetaineeTransfer, "105 persons".parse().unwrap())
        .to("ARM")
        .since("2020-12-02".parse().unwrap())
        .until("2021-11-09".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(r, built);
}

#[test]
fn the_qualifier_is_optional_and_every_spelling_is_read() {
    let r = parse_claim("53000 persons returnees until=2021-11-09").unwrap();
    assert_eq!(r.qualifier(), Qualifier::Exact);
    for q in Qualifier::ALL {
        let r = parse_claim(&format!("{q} 53000 persons returnees until=2021-11-09")).unwrap();
        assert_eq!(r.qualifier(), q);
    }
}

#[test]
fn every_field_is_read() {
    let line = r#"about 1581 t cargo category=humanitarian item="flour and sugar" from=RU-EMERCOM to=NKR via=RUS region=Stepanakert since=2020-12 until=2021-06 tolerance=20 mode=fill id=r1 published=2021-11-09 source="MFA \"statement\", 2021""#;
    let r = parse_claim(line).unwrap();
    let s = r.scope();
    assert_eq!(r.kind(), Kind::Cargo);
    assert_eq!(r.value(), "1581 t".parse().unwrap());
    assert_eq!(s.category, Some(Category::Humanitarian));
    assert_eq!(s.item.as_deref(), Some("flour and sugar"));
    assert_eq!(
        (s.from.as_deref(), s.to.as_deref(), s.via.as_deref(), s.region.as_deref()),
        (Some("RU-EMERCOM"), Some("NKR"), Some("RUS"), Some("Stepanakert"))
    );
    assert_eq!(r.since(), PartialDate::month(2020, 12).ok());
    assert_eq!(r.until(), PartialDate::month(2021, 6).ok());
    assert_eq!(r.tolerance(), Some(Decimal::from(20)));
    assert_eq!(r.mode(), Mode::Fill);
    assert_eq!(r.id(), "r1");
    assert_eq!(r.published(), date("2021-11-09"));
    assert_eq!(r.source(), Some(r#"MFA "statement", 2021"#));
}

#[test]
fn published_defaults_to_the_last_day_of_until() {
    assert_eq!(parse_claim("3 packages minefield-maps until=2021-06").unwrap().published(), date("2021-06-30"));
    assert_eq!(parse_claim("3 packages minefield-maps until=2021").unwrap().published(), date("2021-12-31"));
    let r = parse_claim("3 packages minefield-maps published=2021-11-09").unwrap();
    assert_eq!((r.until(), r.scope().period.end()), (None, Some(date("2021-11-09"))));
}

#[test]
fn ids_are_numbered_by_place_unless_given() {
    let rs = parse_claims([
        "44 persons detainee-transfer until=2020-12-14",
        "5 persons detainee-transfer until=2021-02-10 id=feb",
        "15 persons detainee-transfer until=2021-06-12",
    ])
    .unwrap();
    let ids: Vec<&str> = rs.iter().map(Report::id).collect();
    assert_eq!(ids, ["claim-1", "feb", "claim-3"]);
    assert_eq!("44 persons detainee-transfer until=2020-12-14".parse::<Report>().unwrap().id(), "claim-1");
}

#[test]
fn white_space_and_quotes_are_read_as_documented() {
    let r = parse_claim("  about\t53000   persons returnees   source=\"a  b\tc\\\\\"  until=2021-11-09  ").unwrap();
    assert_eq!(r.source(), Some("a  b\tc\\"));
    let r = parse_claim(r#"5 persons returnees source="line\nbreak" until=2021-11-09"#).unwrap();
    assert_eq!(r.source(), Some("line\nbreak"));
    let r = parse_claim("5 persons returnees source=a=b until=2021-11-09").unwrap();
    assert_eq!(r.source(), Some("a=b"), "the first = ends the key");
}

// ---- every error, with its column ----

#[test]
fn an_unknown_qualifier_is_placed_and_named() {
    let line = "abuot 53000 persons returnees until=2021-11-09";
    assert_eq!(
        error(line),
        format!(
            "column {}, field qualifier: \"abuot\" is not a qualifier; did you mean \"about\"?",
            col(line, "abuot")
        )
    );
}

#[test]
fn a_bad_number_is_placed_and_says_how_to_write_it() {
    let line = "about 53,000 persons returnees until=2021-11-09";
    assert_eq!(
        error(line),
        format!("column {}, field value: \"53,000\" has a thousands separator; write 53000", col(line, "53,000"))
    );
    let line = "about 5x persons returnees until=2021-11-09";
    assert!(
        error(line).starts_with(&format!("column {}, field value: \"5x\" is not a decimal number", col(line, "5x")))
    );
}

#[test]
fn a_misspelt_unit_is_placed_with_its_fix() {
    let line = "exact 105 persns detainee-transfer to=ARM since=2020-12-02 until=2021-11-09";
    assert_eq!(
        error(line),
        format!("column {}, field unit: \"persns\" is not a unit; did you mean \"persons\"?", col(line, "persns"))
    );
}

#[test]
fn a_misspelt_kind_is_placed_with_its_fix() {
    let line = "105 persons detainee-transfers until=2021-11-09";
    assert_eq!(
        error(line),
        format!(
            "column {}, field kind: \"detainee-transfers\" is not a kind; did you mean \"detainee-transfer\"?",
            col(line, "detainee")
        )
    );
}

#[test]
fn missing_words_are_placed_at_the_end_of_the_line() {
    let line = "about 53000";
    let err = parse_claim(line).unwrap_err();
    let end = line.chars().count() + 1;
    let messages: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        messages[0],
        format!("column {end}, field unit: the claim ends where its unit should be, such as persons")
    );
    assert_eq!(
        messages[1],
        format!("column {end}, field kind: the claim ends where its kind should be, such as detainee-transfer")
    );
    assert!(messages[2].starts_with(&format!("column {end}, field until: a claim must say when it was made")));
    assert_eq!(messages.len(), 3);
}

#[test]
fn a_claim_without_a_date_is_refused_with_the_fix() {
    // The issue's second example names no end: a claim must say when it was made.
    let line = "about 53000 persons returnees since=2020-11-14";
    assert_eq!(
        error(line),
        format!(
            "column {}, field until: a claim must say when it was made; add until=YYYY-MM-DD (the end of the period) or published=YYYY-MM-DD",
            line.len() + 1
        )
    );
    assert!(parse_claim("about 53000 persons returnees since=2020-11-14 until=2021-11-09").is_ok());
}

#[test]
fn stray_words_are_placed() {
    let line = "105 persons returnees ARM until=2021-11-09";
    assert!(error(line).starts_with(&format!("column {}: \"ARM\" comes after the kind", col(line, "ARM"))));
    let line = "105 persons returnees until=2021-11-09 ARM";
    assert!(error(line).starts_with(&format!("column {}: \"ARM\" is not a key=value field", col(line, "ARM"))));
}

#[test]
fn unknown_duplicate_and_empty_fields_are_placed() {
    let line = "105 persons returnees untill=2021-11-09";
    assert_eq!(
        error(line),
        format!("column {}, field untill: is not a field of a claim; did you mean \"until\"?", col(line, "untill"))
    );
    let line = "105 persons returnees to=ARM until=2021-11-09 to=AZE";
    assert_eq!(
        error(line),
        format!(
            "column {}, field to: is given twice (first at column {}); give it once",
            col(line, "to=AZE"),
            col(line, "to=ARM")
        )
    );
    let line = "105 persons returnees to= until=2021-11-09";
    assert_eq!(
        error(line),
        format!("column {}, field to: is empty; leave the field out to mean any", col(line, "to=") + 3)
    );
}

#[test]
fn bad_dates_are_placed_at_their_value() {
    let line = "105 persons returnees since=2020-13 until=2021-11-09";
    assert_eq!(
        error(line),
        format!("column {}, field since: \"2020-13\" has no month 13; months run 01 to 12", col(line, "2020-13"))
    );
    let line = "105 persons returnees published=2021-11";
    assert_eq!(
        error(line),
        format!("column {}, field published: \"2021-11\" is not a day; write YYYY-MM-DD", col(line, "2021-11"))
    );
    let line = "105 persons returnees until=2021-02-30";
    assert_eq!(
        error(line),
        format!("column {}, field until: \"2021-02-30\" does not exist: 2021-02 has 28 days", col(line, "2021-02-30"))
    );
}

#[test]
fn bad_category_mode_and_tolerance_are_placed() {
    let line = "1581 t cargo category=humanitarain until=2021-06";
    assert!(error(line).starts_with(&format!(
        "column {}, field category: \"humanitarain\" is not a category",
        col(line, "humanitarain")
    )));
    let line = "1581 t cargo mode=fil until=2021-06";
    assert!(error(line).starts_with(&format!("column {}, field mode: \"fil\" is not a mode", col(line, "fil"))));
    let line = "1581 t cargo tolerance=1,5 until=2021-06";
    assert_eq!(
        error(line),
        format!("column {}, field tolerance: \"1,5\" uses a decimal comma; write 1.5", col(line, "1,5"))
    );
}

#[test]
fn quoting_errors_are_placed() {
    let line = r#"5 persons returnees until=2021-11-09 source="unclosed"#;
    assert_eq!(
        error(line),
        format!("column {}, field source: the quote is not closed; end the value with \"", col(line, "\"unclosed"))
    );
    let line = r#"5 persons returnees source="a\qb" until=2021-11-09"#;
    assert!(error(line).starts_with(&format!("column {}, field source: \\ is followed by 'q'", col(line, "\\q"))));
    let line = r#"5 persons returnees source="a"b until=2021-11-09"#;
    assert_eq!(
        error(line),
        format!(
            "column {}, field source: a quoted value must be followed by a space or the end of the line",
            col(line, "b until")
        )
    );
    let line = r#"5 persons returnees source=TASS"2021" until=2021-11-09"#;
    assert!(
        error(line)
            .starts_with(&format!("column {}, field source: a quote may only start a value", col(line, "\"2021")))
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let line = "5 persons returnees region=Ստեփանակերտ untill=2021-11-09";
    assert!(error(line).starts_with(&format!("column {}, field untill:", col(line, "untill"))));
    assert_ne!(col(line, "untill"), line.find("untill").unwrap() + 1, "the line has multi-byte characters");
}

#[test]
fn what_the_builder_refuses_is_placed_at_the_word_behind_it() {
    let line = "5 t returnees until=2021-11-09";
    assert!(
        error(line).starts_with(&format!("column {}, field unit: returnees is counted in persons", col(line, "t ")))
    );
    let line = "5 t cargo category=pow until=2021-11-09";
    assert_eq!(
        error(line),
        format!("column {}, field category: pow is a category of detainee-transfer, not of cargo", col(line, "pow"))
    );
    let line = "more-than 5 persons returnees mode=fill until=2021-11-09";
    assert!(
        error(line)
            .starts_with(&format!("column {}, field mode: only exact and about figures can fill", col(line, "fill")))
    );
    let line = "more-than 5 persons returnees tolerance=1 until=2021-11-09";
    assert!(error(line).starts_with(&format!("column {}, field tolerance: a tolerance applies", col(line, "1 until"))));
    let line = "5 persons returnees since=2021-12 until=2021-11-09";
    assert!(
        error(line)
            .starts_with(&format!("column {}, field until: the period ends on 2021-11-09", col(line, "2021-11-09")))
    );
    let line = "2.5 persons returnees until=2021-11-09";
    assert!(
        error(line)
            .starts_with(&format!("column {}, field value: 2.5 persons is not a whole number", col(line, "2.5")))
    );
}

#[test]
fn every_problem_of_a_line_is_listed() {
    let line = "abuot 53,000 persns returnees to= untill=2021";
    let err = parse_claim(line).unwrap_err();
    let cols: Vec<String> =
        err.problems().iter().map(|p| p.to_string().split(',').next().unwrap_or("").to_string()).collect();
    let want: Vec<String> = ["abuot", "53,000", "persns", "to=", "untill"]
        .iter()
        .map(|w| format!("column {}", col(line, w) + usize::from(*w == "to=") * 3))
        .collect();
    assert_eq!(cols, want, "{err}");
}

#[test]
fn parse_claims_names_the_claim_and_lists_every_line() {
    let err = parse_claims(["44 persns detainee-transfer until=2020-12-14", "5 persons detainee-transfer", "ok"])
        .unwrap_err();
    let messages: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert!(messages[0].starts_with("claim 1, column 4, field unit:"), "{messages:?}");
    assert!(messages[1].starts_with("claim 2, column 28, field until:"), "{messages:?}");
    assert!(messages.iter().skip(2).all(|m| m.starts_with("claim 3, ")), "{messages:?}");
}

#[test]
fn nothing_panics_on_odd_lines() {
    for line in [
        "",
        " ",
        "=",
        "\"",
        "a=\"",
        "x=\\",
        "105",
        "105 persons",
        "about",
        "\u{0}",
        "1e5 t cargo until=2021",
        "= = =",
        "to=\"\\",
    ] {
        let _ = parse_claim(line);
    }
}

// ---- round trip ----

fn report() -> impl Strategy<Value = Report> {
    let text = prop_oneof![
        Just(None),
        "[A-Za-z0-9-]{1,8}".prop_map(Some),
        any::<String>().prop_filter("not blank", |s| !s.trim().is_empty()).prop_map(Some),
    ];
    let date = (2000i32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d));
    let partial = prop_oneof![
        (2000i32..2030).prop_filter_map("a year", |y| PartialDate::year(y).ok()),
        (2000i32..2030, 1u32..=12).prop_filter_map("a month", |(y, m)| PartialDate::month(y, m).ok()),
        date.clone().prop_filter_map("a day", |d| d.map(PartialDate::day)),
    ];
    (
        (
            0u64..10_000_000,
            0u32..4,
            prop::sample::select(&[Unit::Tonne, Unit::Kilogram, Unit::Hectare, Unit::Persons][..]),
        ),
        prop::sample::select(&Qualifier::ALL[..]),
        (text.clone(), text.clone(), text.clone(), text.clone()),
        (proptest::option::of(partial.clone()), proptest::option::of(partial), date),
        (any::<bool>(), proptest::option::of(0u32..500), any::<bool>()),
        any::<String>(),
    )
        .prop_filter_map(
            "a valid report",
            |(
                (m, scale, unit),
                q,
                (id, to, region, source),
                (since, until, published),
                (fill, tolerance, with_category),
                _,
            )| {
                let kind = if unit == Unit::Persons { Kind::Returnees } else { Kind::Cargo };
                let scale = if unit == Unit::Persons { 0 } else { scale };
                let value = relief_ledger::Quantity::new(Decimal::new(m as i64, scale), unit).ok()?;
                let mut b = Report::builder(id.unwrap_or_else(|| "r".into()), published?, kind, value).qualifier(q);
                if let Some(t) = to {
                    b = b.to(t);
                }
                if let Some(r) = region {
                    b = b.region(r);
                }
                if let Some(s) = source {
                    b = b.source(s);
                }
                if let Some(s) = since {
                    b = b.since(s);
                }
                if let Some(u) = until {
                    b = b.until(u);
                }
                if fill && q.can_fill() {
                    b = b.mode(Mode::Fill);
                }
                if let Some(t) = tolerance.filter(|_| q.can_fill()) {
                    b = b.tolerance(Decimal::new(i64::from(t), 1));
                }
                if with_category && kind == Kind::Cargo {
                    b = b.category(Category::Humanitarian);
                }
                b.build().ok()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_report_written_as_a_claim_parses_back_equal(r in report()) {
        let line = r.to_claim();
        prop_assert!(!line.contains('\n'), "one line: {line:?}");
        let back = parse_claim(&line).map_err(|e| TestCaseError::fail(format!("{line:?}: {e}")))?;
        prop_assert_eq!(&back, &r, "{}", line);
        prop_assert_eq!(back.to_claim(), line);
    }

    #[test]
    fn no_line_makes_the_parser_panic(line in "\\PC{0,80}") {
        let _ = parse_claim(&line);
    }
}

// ---- the assertion ----

#[test]
fn the_seed_claim_is_filled_with_79_explained() {
    let ledger = seed_ledger();
    let claim = "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 mode=fill";
    ledger.check_claims(&[claim]).unwrap();
    assert_claims!(ledger, claim, "more-than 75 persons detainee-transfer to=ARM until=2021-07-31");
    let reports = parse_claims([claim]).unwrap();
    let v = ledger.verify(&reports).unwrap();
    let o = &v.outcomes()[0];
    assert_eq!(
        (o.status(), o.ledger(), o.filled()),
        (Status::Filled, Decimal::from(44 + 5 + 15 + 15), Some(Decimal::from(105 - 79)))
    );
}

#[test]
fn a_failing_claim_shows_its_interval_figure_and_entries() {
    let ledger = seed_ledger();
    let failed = ledger
        .check_claims(&[
            "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa-105",
            "at-most 50 persons detainee-transfer to=ARM until=2021-11-09",
            "more-than 40 persons detainee-transfer to=ARM until=2020-12-31",
        ])
        .unwrap_err();
    assert_eq!(failed.failed(), ["mfa-105", "claim-2"]);
    assert!(failed.error().is_none());
    let text = failed.to_string();
    assert!(text.starts_with("2 of 3 claims do not hold against the ledger\n\n"), "{text}");
    assert!(
        text.contains(
            "mfa-105: short: exact 105 persons of kind=detainee-transfer to=ARM period=2020-12-02..2021-11-09"
        ),
        "{text}"
    );
    assert!(text.contains("interval [105, 105]; the ledger holds 79 persons in 4 entries (difference -26)"), "{text}");
    assert!(text.contains("claim-2: over: at-most 50 persons"), "{text}");
    assert!(text.contains("interval (-∞, 50]; the ledger holds 79 persons in 4 entries (difference +29)"), "{text}");
    for (d, n) in [("2020-12-14", 44), ("2021-02-10", 5), ("2021-06-12", 15), ("2021-07-03", 15)] {
        let row =
            text.lines().find(|l| l.trim_start().starts_with(d)).unwrap_or_else(|| panic!("no row for {d}: {text}"));
        assert!(row.contains(&format!("{n} persons")) && row.contains("AZE -> ARM") && row.contains("ICRC"), "{row}");
    }
    assert!(!text.contains("claim-3"), "a passing claim is not shown: {text}");
}

#[test]
fn the_panic_names_the_failing_claim() {
    let ledger = seed_ledger();
    let panic = std::panic::catch_unwind(|| {
        assert_claims!(ledger, "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09");
    })
    .unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("claim-1: short: exact 105 persons"), "{message}");
    assert!(message.contains("the ledger holds 79 persons in 4 entries"), "{message}");
}

#[test]
fn claims_that_do_not_parse_fail_with_their_problems() {
    let ledger = seed_ledger();
    let failed = ledger.check_claims(&["105 persns detainee-transfer until=2021-11-09"]).unwrap_err();
    assert!(failed.error().is_some_and(|e| e.is_data()));
    assert_eq!(
        failed.to_string(),
        "the claims were refused:\nclaim 1, column 5, field unit: \"persns\" is not a unit; did you mean \"persons\"?"
    );
    let dup = ledger
        .check_claims(&["5 persons returnees id=a until=2021", "6 persons returnees id=a until=2021"])
        .unwrap_err();
    assert!(dup.to_string().contains("\"a\" is used by two reports"), "{dup}");
}

#[test]
fn reports_are_checked_like_claim_lines() {
    let ledger = seed_ledger();
    let r = Report::builder("r", date("2021-11-09"), Kind::DetaineeTransfer, "79 persons".parse().unwrap())
        .to("ARM")
        .build()
        .unwrap();
    ledger.check_reports(std::slice::from_ref(&r)).unwrap();
    let wrong = Report::builder("w", date("2021-11-09"), Kind::DetaineeTransfer, "80 persons".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(ledger.check_reports(&[wrong]).unwrap_err().failed(), ["w"]);
}
