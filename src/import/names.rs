//! Personal names as exports write them, split into family and given names: `Family, Given`
//! (RIS, MEDLINE `FAU`, BibTeX), `Family I.` or `Family IJ` (Embase, Scopus, MEDLINE `AU`),
//! `Given Family` (Lens, EndNote, Springer), with particles (`van de Schoot`) kept in the
//! family name, e-mail addresses in parentheses dropped, and Springer's glued lists
//! (`Araz R. AlievNigar T. Ismayilova`) taken apart.

use crate::model::Author;

const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "dos", "das",
    "ter", "ten", "zu", "af", "av",
];

/// One name → an [`Author`].
pub fn parse_name(raw: &str) -> Author {
    let cleaned = strip_parenthesised_email(raw);
    let s = cleaned.trim().trim_end_matches([';', ',']).trim();
    if s.is_empty() {
        return Author::default();
    }
    if let Some((family, given)) = s.split_once(',') {
        let family = family.trim();
        let given = given.trim();
        return Author {
            family: (!family.is_empty()).then(|| family.to_string()),
            given: (!given.is_empty()).then(|| given.to_string()),
            ..Default::default()
        };
    }
    let tokens: Vec<&str> = s.split_whitespace().collect();
    if tokens.len() == 1 {
        return Author {
            family: Some(s.to_string()),
            ..Default::default()
        };
    }
    // `Liu R.`, `Adler D.G.`, `Smith JA`: family first, initials last.
    let last = tokens[tokens.len() - 1];
    if is_initials(last) {
        return Author {
            family: Some(tokens[..tokens.len() - 1].join(" ")),
            given: Some(last.to_string()),
            ..Default::default()
        };
    }
    // `Given Family`, with lower-case particles going to the family name.
    let mut split = tokens.len() - 1;
    while split > 1 && PARTICLES.contains(&tokens[split - 1].to_lowercase().as_str()) {
        split -= 1;
    }
    Author {
        family: Some(tokens[split..].join(" ")),
        given: Some(tokens[..split].join(" ")),
        ..Default::default()
    }
}

/// `R.`, `D.G.`, `JA`, `J.-P.`: initials only.
pub(crate) fn is_initials(t: &str) -> bool {
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 4
        && letters.iter().all(|c| c.is_uppercase())
        && t.chars().all(|c| c.is_alphabetic() || c == '.' || c == '-')
        && (t.contains('.') || letters.len() <= 3)
}

fn strip_parenthesised_email(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        if !inner.contains('@') {
            out.push_str(&rest[open..=open + close]);
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A list of names separated by `;` (or ` and ` in BibTeX, handled there) → authors.
pub fn parse_list(raw: &str, separator: char) -> Vec<Author> {
    raw.split(separator)
        .map(parse_name)
        .filter(|a| a.family.is_some() || a.given.is_some())
        .collect()
}

/// Names glued without a separator (`Araz R. AlievNigar T. Ismayilova`): split where a run of
/// three or more lower-case letters is followed straight by an upper-case one (so `McDonald`
/// and `DeLuca` stay whole).
pub fn unglue(raw: &str) -> Vec<String> {
    let chars: Vec<char> = raw.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut lower_run = 0;
    for i in 0..chars.len() {
        let c = chars[i];
        if c.is_uppercase() && lower_run >= 3 {
            parts.push(chars[start..i].iter().collect::<String>());
            start = i;
        }
        lower_run = if c.is_lowercase() { lower_run + 1 } else { 0 };
    }
    parts.push(chars[start..].iter().collect());
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_every_export_style() {
        let cases = [
            ("Lastname, Firstname", Some("Lastname"), Some("Firstname")),
            ("van de Schoot, Rens", Some("van de Schoot"), Some("Rens")),
            ("Tingley, M.W.", Some("Tingley"), Some("M.W.")),
            ("Liu R.", Some("Liu"), Some("R.")),
            ("Adler D.G.", Some("Adler"), Some("D.G.")),
            ("Gadzalski M", Some("Gadzalski"), Some("M")),
            ("Petar Radanliev", Some("Radanliev"), Some("Petar")),
            ("Max Van Kleek", Some("Van Kleek"), Some("Max")),
            ("Sheng-Hsin Su", Some("Su"), Some("Sheng-Hsin")),
            (
                "Ludwig van Beethoven",
                Some("van Beethoven"),
                Some("Ludwig"),
            ),
            (
                "Tingley, Morgan W. (morgan.tingley@uconn.edu)",
                Some("Tingley"),
                Some("Morgan W."),
            ),
            ("BEAUREGA.OC", Some("BEAUREGA.OC"), None),
            ("WHO", Some("WHO"), None),
            ("", None, None),
        ];
        for (raw, family, given) in cases {
            let a = parse_name(raw);
            assert_eq!(a.family.as_deref(), family, "{raw}");
            assert_eq!(a.given.as_deref(), given, "{raw}");
        }
    }

    #[test]
    fn glued_names_come_apart_but_camel_case_names_do_not() {
        assert_eq!(
            unglue("Araz R. AlievNigar T. Ismayilova"),
            ["Araz R. Aliev", "Nigar T. Ismayilova"]
        );
        assert_eq!(unglue("John McDonald"), ["John McDonald"]);
        assert_eq!(unglue("Anna DeLuca"), ["Anna DeLuca"]);
        assert_eq!(unglue(""), Vec::<String>::new());
    }
}
