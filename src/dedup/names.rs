//! Author and venue names in one comparable form: surnames from any author format (glued
//! lists, initials first or last, `et al.`), and the words of a journal name that survive
//! abbreviation (`J Mol Cell Cardiol`, `Obstetrics & Gynecology`).

use super::keys::{clean_title, compact, fold, repair_mojibake};

/// Folded surnames in byline order, whatever the list looked like: `Smith, J. A.`,
/// `Smith JA`, glued lists (`Adeli K.Lewis G. F.`), `et al.`. Initials (one to three capital
/// letters) and particles of one letter are dropped; `Jr`, `et`, `al` too.
pub fn surnames(authors: &[crate::model::Author]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in authors {
        let text = match (&a.family, &a.given, &a.name) {
            (Some(f), Some(g), _) => format!("{f} {g}"),
            (Some(f), None, _) => f.clone(),
            (None, _, Some(n)) => n.clone(),
            (None, Some(g), None) => g.clone(),
            (None, None, None) => continue,
        };
        let text = repair_mojibake(&text);
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            if letters < 2 {
                continue;
            }
            let initials =
                letters <= 3 && word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
            if initials {
                continue;
            }
            let f = compact(word);
            if matches!(f.as_str(), "jr" | "sr" | "et" | "al" | "ii" | "iii") || f.is_empty() {
                continue;
            }
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// Words a venue's name is read without.
const STOP: &[&str] = &[
    "and", "of", "the", "for", "in", "on", "de", "la", "des", "der", "und", "et", "fur", "a", "an",
];

/// The initials of a venue's words, stop words left out, when it has three words or more
/// (`International Conference on Information Systems` → `icis`): what conferences are
/// called by (`ICIS : Transforming Society with Digital Innovation`).
pub fn venue_acronym(v: &str) -> Option<String> {
    let v = clean_title(v);
    let main = fold(v.find([':', '=']).map_or(v.as_str(), |i| &v[..i]));
    let words: Vec<&str> = main
        .split(' ')
        .filter(|w| {
            !w.is_empty() && !STOP.contains(w) && !w.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    (words.len() >= 3).then(|| words.iter().filter_map(|w| w.chars().next()).collect())
}

/// Words of a venue name, folded, without stop words and punctuation: `Obstetrics &
/// Gynecology` = `Obstetrics and Gynecology`.
pub fn venue_words(v: &str) -> Vec<String> {
    let v = &clean_title(v);
    let folded = fold(v);
    // What follows a colon or " = " is a subtitle ("…Cancer : official journal of …"), and
    // what follows "Conference" names the meeting ("Circulation. Conference: …").
    let main = v.find([':', '=']).map_or(folded.clone(), |i| fold(&v[..i]));
    let main = if main.is_empty() { folded } else { main };
    let words: Vec<String> = main
        .split(' ')
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(str::to_string)
        .collect();
    match words.iter().position(|w| w == "conference") {
        Some(i) if i > 0 => words[..i].to_vec(),
        _ => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_of_long_venue_names() {
        let a = |v: &str| venue_acronym(v);
        assert_eq!(
            a("International Conference on Information Systems").as_deref(),
            Some("icis")
        );
        assert_eq!(
            a("Journal of the American Medical Association").as_deref(),
            Some("jama")
        );
        assert_eq!(
            a("Proceedings of the 2016 CHI Conference on Human Factors").as_deref(),
            Some("pcchf")
        );
        assert_eq!(a("Pediatric Nephrology"), None);
    }

    #[test]
    fn surnames_whatever_the_list_looks_like() {
        let a = |f: &str, g: Option<&str>| crate::model::Author {
            family: Some(f.into()),
            given: g.map(str::to_string),
            ..Default::default()
        };
        // A glued list the importer could not split: one "author".
        assert_eq!(
            surnames(&[a("Adeli K.Lewis G.", Some("F."))]),
            ["adeli", "lewis"]
        );
        assert_eq!(
            surnames(&[a("Kirsch M.Farhat F.Garnier J. P.Loisance", Some("D."))]),
            ["kirsch", "farhat", "garnier", "loisance"]
        );
        assert_eq!(
            surnames(&[a("RosenschÃ¶ld", Some("P. M.")), a("Økland", Some("T"))]),
            ["rosenschold", "okland"]
        );
        assert_eq!(
            surnames(&[a("Wright Jr.", Some("T C")), a("al.", None), a("et", None)]),
            ["wright"]
        );
    }

    #[test]
    fn journal_names_and_abbreviations() {
        assert_eq!(
            venue_words("Obstetrics & Gynecology"),
            venue_words("Obstetrics and Gynecology")
        );
        assert_eq!(
            venue_words("PLoS ONE [Electronic Resource]"),
            venue_words("PLoS ONE")
        );
        assert_eq!(
            venue_words(
                "International journal of gynecological cancer : official journal of the International Gynecological Cancer Society"
            ),
            venue_words("International Journal of Gynecological Cancer")
        );
        assert_eq!(
            venue_words("Circulation. Conference: American Heart Association Scientific Sessions"),
            ["circulation"]
        );
        assert_eq!(
            venue_words("Tidsskrift for Den norske legeforening"),
            ["tidsskrift", "den", "norske", "legeforening"]
        );
    }
}
