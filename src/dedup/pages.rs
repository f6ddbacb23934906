//! Page ranges in one comparable form, however databases and spreadsheets wrote them: a
//! shortened last page (`123-9`), letter prefixes (`H1288`, `e0033693`, `II-221`), month
//! names from a spreadsheet that read `6-10` as a date (`06-Oct`), notes after the range.

/// First and last page in comparable form: letter prefixes dropped when digits follow
/// (`H1288` → `1288`, `e005645` → `5645`), leading zeros dropped, a shortened last page
/// expanded (`2013-9` → `2019`), and a spreadsheet's month names read back as the numbers
/// they were (`06-Oct` and `10-Jun` → `6`–`10`).
pub fn pages(s: &str) -> (Option<String>, Option<String>) {
    let lower = s.trim().to_lowercase();
    if lower.is_empty() || lower.contains("pagination") {
        return (None, None);
    }
    let mut tokens: Vec<&str> = lower
        .split(['-', '–', ',', ';', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    // `II-221-5`: a letter prefix written apart from its number.
    if tokens.len() >= 2
        && tokens[0].chars().all(|c| "ivxlcdm".contains(c))
        && tokens[1].chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        tokens.remove(0);
    }
    let mut parts = tokens.into_iter();
    let first = parts.next().map(page_token);
    let last = parts.next().map(page_token);
    let (first, last) = match (first, last) {
        // A day-first spreadsheet read `6-10` as 6 October (`06-Oct`) and `11-19` as
        // November 2019 (`Nov-19`).
        (Some(PageToken::Page(p)), Some(PageToken::Month(m))) => {
            let m = m.to_string();
            let last = expand(&p, &m);
            (Some(p), Some(last))
        }
        (Some(PageToken::Month(m)), Some(PageToken::Page(p))) => (Some(m.to_string()), Some(p)),
        (Some(PageToken::Month(m)), _) => (Some(m.to_string()), None),
        (Some(PageToken::Page(f)), Some(PageToken::Page(l))) => {
            let l = if l.len() < f.len()
                && f.chars().all(|c| c.is_ascii_digit())
                && l.chars().all(|c| c.is_ascii_digit())
            {
                format!("{}{}", &f[..f.len() - l.len()], l)
            } else {
                l
            };
            (Some(f), Some(l))
        }
        (Some(PageToken::Page(f)), _) => (Some(f), None),
        (None, _) => (None, None),
    };
    (
        first.filter(|f| !f.is_empty()),
        last.filter(|l| !l.is_empty()),
    )
}

/// A shortened last page written out: `2013`, `9` → `2019`.
fn expand(first: &str, last: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if last.len() < first.len() && digits(first) && digits(last) {
        format!("{}{}", &first[..first.len() - last.len()], last)
    } else {
        last.to_string()
    }
}

enum PageToken {
    Page(String),
    Month(u32),
}

fn page_token(t: &str) -> PageToken {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if let Some(m) = MONTHS.iter().position(|m| *m == t) {
        return PageToken::Month(m as u32 + 1);
    }
    let digits_from = t.find(|c: char| c.is_ascii_digit());
    let t = match digits_from {
        Some(i) if t[..i].chars().all(|c| c.is_ascii_alphabetic()) => {
            let d: String = t[i..].chars().take_while(char::is_ascii_digit).collect();
            d.trim_start_matches('0').to_string()
        }
        _ => t.trim_end_matches('.').to_string(),
    };
    // Words without digits (`Suppl`, `Pt`) are no page; roman numerals are.
    if !t.chars().any(|c| c.is_ascii_digit()) && !t.chars().all(|c| "ivxlcdm".contains(c)) {
        return PageToken::Page(String::new());
    }
    PageToken::Page(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_compare_as_numbers() {
        let p = |s: &str| pages(s);
        let some = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
        assert_eq!(p("123-9"), some("123", "129"));
        assert_eq!(p("2013-9"), p("2013-2019"));
        assert_eq!(p("H1288-H1295"), some("1288", "1295"));
        assert_eq!(p("II-221-5; discussion II-225-6"), some("221", "225"));
        // Spreadsheets read `6-10` as 6 October and `11-19` as November 2019.
        assert_eq!(p("06-Oct"), some("6", "10"));
        assert_eq!(p("Nov-19"), some("11", "19"));
        assert_eq!(p("11-Sep"), p("11-19"));
        assert_eq!(p("iii--xi"), some("iii", "xi"));
        assert_eq!(p("e0033693"), (Some("33693".into()), None));
        assert_eq!(p("No Pagination Specified"), (None, None));
        assert_eq!(p("Suppl-29").0, None);
    }
}
