//! Text into HTML: escaping for text and quoted attributes, and the links found in a citation.
//!
//! Escaping is written here rather than taken from a crate: five characters, one function, and the
//! library takes no runtime dependency for it (the page's tests parse it with a real HTML parser).

use std::fmt::Write as _;

/// `s` escaped for HTML text and for attribute values in double or single quotes.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A citation as HTML: its text escaped, with each http(s) URL and bare domain path
/// (`tass.com/world/1230247`) in it a link. Nothing else becomes a link: a `javascript:` or
/// `data:` text stays text.
pub(crate) fn cite(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while !rest.is_empty() {
        // The next run of characters that may be part of a URL.
        let start = rest.find(|c: char| !breaks_url(c)).unwrap_or(rest.len());
        out.push_str(&esc(&rest[..start]));
        rest = &rest[start..];
        let len = rest.find(breaks_url).unwrap_or(rest.len());
        let token = &rest[..len];
        // Punctuation that ends a sentence or a clause is not part of the address.
        let trimmed = token.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
        match href(trimmed) {
            Some(h) => {
                let _ = write!(out, r#"<a href="{}" rel="noreferrer noopener">{}</a>"#, esc(&h), esc(trimmed));
                out.push_str(&esc(&token[trimmed.len()..]));
            }
            None => out.push_str(&esc(token)),
        }
        rest = &rest[len..];
    }
    out
}

fn breaks_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^')
}

/// Where a link to `token` goes: the URL itself for `http://` and `https://` with a host, `https://`
/// and the token for a bare domain path; `None` for anything else.
pub(crate) fn href(token: &str) -> Option<String> {
    let lower = token.to_ascii_lowercase();
    for scheme in ["http://", "https://"] {
        if lower.starts_with(scheme) {
            let host = token.get(scheme.len()..)?.split(['/', '?', '#']).next()?;
            let host = host.rsplit('@').next()?.split(':').next()?;
            return is_domain(host).then(|| token.to_string());
        }
    }
    let (host, path) = token.split_once('/')?;
    (is_domain(host) && !path.is_empty() && !token.contains(':')).then(|| format!("https://{token}"))
}

/// A host name of two labels or more, letters, digits and hyphens, ending in a top-level domain of letters.
fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels.last().is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn links_urls_and_bare_domain_paths_only() {
        assert_eq!(
            cite("TASS (tass.com/world/1230247), 2020-12-01"),
            r#"TASS (<a href="https://tass.com/world/1230247" rel="noreferrer noopener">tass.com/world/1230247</a>), 2020-12-01"#
        );
        assert_eq!(
            cite("see https://example.org/a?b=1&c=2."),
            r#"see <a href="https://example.org/a?b=1&amp;c=2" rel="noreferrer noopener">https://example.org/a?b=1&amp;c=2</a>."#
        );
        for text in [
            "javascript:alert(1)",
            "JavaScript://example.com/%0aalert(1)",
            "data:text/html,x",
            "en.armradio.am",
            "a/b",
            "1.2/3",
        ] {
            assert!(!cite(text).contains("<a"), "{text}: {}", cite(text));
        }
        assert_eq!(href("http://x.org:8080/p").as_deref(), Some("http://x.org:8080/p"));
        assert_eq!(href("https://"), None);
        assert_eq!(cite("a <b> & c"), "a &lt;b&gt; &amp; c");
    }
}
