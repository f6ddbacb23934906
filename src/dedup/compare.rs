//! Comparing one candidate pair: identifiers first, then field-wise similarity (title,
//! authors, venue, year, pages, volume) and the vetoes. The verdict is a function of the two
//! records alone, so it is the same in a full and in an incremental run.
//!
//! The rules, in order:
//! 1. Publication years further apart than the tolerance, with no identifier scheme on both
//!    sides: not a pair (the cheap exit).
//! 2. Same DOI (PMID, Cristin id) with a similar title, or with another-language title but the
//!    same authors, venue and whole page range: duplicate, unless a veto says otherwise (a
//!    supplement's abstracts share one DOI but have their own titles and pages; with the same
//!    title and authors in the same volume, different pages are a typo). Different
//!    DOIs (PMIDs, Cristin ids): never merged automatically; with everything else identical
//!    and one registrant (a work registered twice) the pair is uncertain — a reviewer may
//!    merge it — otherwise, when the titles are similar, distinct.
//! 3. Titles less than near-identical (or missing) but the same place (first and last page
//!    of a range of at most `MAX_SPAN` pages in one volume, or in one venue without volumes,
//!    in one year), issue, venue and most authors: one printed item (a translated or
//!    reworded title), duplicate unless a veto applies; uncertain when a record has no real
//!    title (missing, `#NAME?`).
//! 4. Titles below [`SIMILAR`]: not a pair. Above it, the vetoes (distinct): notice vs
//!    article (erratum, comment, reply, retraction, protocol), conference abstract vs article
//!    in another venue, different first pages or article numbers (unless the last pages
//!    agree, or one record kept only the last page of the other's range, in one volume), a
//!    number in the title replaced by another (`Part 1`, `Part 2`).
//! 5. Different volume or issue without the same first page, or author lists with little in
//!    common (unless rule 6's same place applies): not a pair.
//! 6. Duplicate when the title is near-identical, the authors agree and the issue is not
//!    different, and: the first page agrees (and the venue, or else volume and most
//!    authors); or, without pages, the venue, volume and most authors agree; or the same long
//!    title, year, publication type and most authors (venues named past recognition).
//!    Also duplicate: a near-identical long title in the same place, whatever the authors
//!    (a study group for its chair, names transliterated twice) and, when the authors
//!    agree, whatever the issue number (pages run on through a volume).
//! 7. Anything else with a title similarity of 0.85 and agreeing authors: uncertain.

use super::keys::{Notice, RecordKeys};
use super::{Link, Options, Rule, Scores, Verdict};

/// Titles at least this similar are compared further (vetoes apply from here on).
pub const SIMILAR: f32 = 0.8;
/// Titles at least this similar may merge automatically.
const NEAR_IDENTICAL: f32 = 0.9;

/// What a compared pair is, before it knows its indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Duplicate, uncertain or distinct.
    pub verdict: Verdict,
    /// The deciding rule.
    pub rule: Rule,
    /// Field-wise similarity.
    pub scores: Scores,
}

impl Comparison {
    /// The link between records `a < b`.
    pub fn link(self, a: usize, b: usize) -> Link {
        Link {
            a,
            b,
            verdict: self.verdict,
            rule: self.rule,
            scores: self.scores,
        }
    }
}

/// The verdict on one pair; `None` when they are plainly different works.
pub fn compare(x: &RecordKeys, y: &RecordKeys, options: &Options) -> Option<Comparison> {
    // Cheap exits first: without a shared identifier scheme, years too far apart decide.
    let comparable_ids = x.doi.is_some() && y.doi.is_some()
        || x.pmid.is_some() && y.pmid.is_some()
        || x.cristin.is_some() && y.cristin.is_some();
    if !comparable_ids
        && x.year
            .zip(y.year)
            .is_some_and(|(a, b)| (a - b).abs() > options.year_tolerance)
    {
        return None;
    }
    let (title, translated) = title_similarity(x, y);
    let scores = Scores {
        title,
        authors: author_similarity(&x.authors, &y.authors),
        venue: venue_similarity(x, y),
        year_gap: x.year.zip(y.year).map(|(a, b)| (a - b).abs()),
        // A page range and an article number cannot be compared (`1-6` and `e12724`).
        pages: x
            .first_page
            .as_ref()
            .zip(y.first_page.as_ref())
            .filter(|_| x.article_number == y.article_number)
            .map(|(a, b)| a == b),
    };
    let similar = title.is_some_and(|t| t >= SIMILAR);
    let verdict = |verdict, rule| {
        Some(Comparison {
            verdict,
            rule,
            scores,
        })
    };
    for (a, b, same, different) in [
        (&x.doi, &y.doi, Rule::Doi, Rule::DifferentDoi),
        (&x.pmid, &y.pmid, Rule::Pmid, Rule::DifferentId),
        (&x.cristin, &y.cristin, Rule::Cristin, Rule::DifferentId),
    ] {
        match (a, b) {
            (Some(a), Some(b)) if a == b => {
                // One DOI for a supplement's many abstracts: different titles, authors and
                // pages. A title in another language (a Cristin record in Norwegian, its
                // Crossref record in English) keeps the authors and pages.
                let same_people = scores.authors.is_some_and(|a| a >= 0.7)
                    && scores.venue.is_none_or(|v| v >= 0.75)
                    && scores.pages == Some(true)
                    && x.last_page.is_some()
                    && x.last_page == y.last_page
                    && scores.year_gap.is_none_or(|g| g <= options.year_tolerance);
                if !(similar || title.is_none() || same_people) {
                    return None;
                }
                // One DOI, one title, the same people in the same volume: a page number
                // mistyped, not a supplement's second abstract.
                let typo = title.is_some_and(|t| t >= NEAR_IDENTICAL)
                    && scores.authors.is_some_and(|a| a >= 0.7)
                    && x.volume.is_some()
                    && x.volume == y.volume;
                match veto(x, y, &scores) {
                    Some(Rule::DifferentPages) if typo => {}
                    Some(veto) => return verdict(Verdict::Distinct, veto),
                    None => {}
                }
                return verdict(Verdict::Duplicate, same);
            }
            (Some(_), Some(_)) => {
                if !similar {
                    return None;
                }
                // Everything else the same and one registrant: a work registered twice
                // (Springer's old and new DOIs), which only a reviewer may merge.
                let registrant = |d: &str| d.split('/').next().map(str::to_string);
                let twin = same == Rule::Doi
                    && a.as_deref().and_then(registrant) == b.as_deref().and_then(registrant)
                    && title.is_some_and(|t| t >= 1.0)
                    && scores.authors.is_some_and(|a| a >= 0.7)
                    && scores.year_gap == Some(0)
                    && scores.pages == Some(true)
                    && agree(&x.last_page, &y.last_page)
                    && agree(&x.volume, &y.volume)
                    && agree(&x.issue, &y.issue)
                    && x.notice == y.notice;
                let v = if twin {
                    Verdict::Uncertain
                } else {
                    Verdict::Distinct
                };
                return verdict(v, different);
            }
            _ => {}
        }
    }
    // A title worded differently (another language, a subtitle lost) in the very place the
    // other record was printed. Titles at least near-identical take the usual rules below.
    let place = same_place(x, y, &scores);
    if title.is_none_or(|t| t < NEAR_IDENTICAL)
        && place
        && agree(&x.issue, &y.issue)
        && scores.venue.is_some_and(|v| v >= 0.75)
        && scores.authors.is_some_and(|a| a >= 0.7)
    {
        if let Some(veto) = veto(x, y, &scores) {
            return verdict(Verdict::Distinct, veto);
        }
        // Without a title on both sides (none, or a spreadsheet's `#NAME?`) the place is
        // all there is: a reviewer looks.
        let titled = |k: &RecordKeys| k.title.len() >= MIN_TITLE || !k.other_titles.is_empty();
        let v = if titled(x) && titled(y) {
            Verdict::Duplicate
        } else {
            Verdict::Uncertain
        };
        return verdict(v, Rule::SameLocation);
    }
    let t = title?;
    if t < SIMILAR {
        return None;
    }
    if let Some(veto) = veto(x, y, &scores) {
        return verdict(Verdict::Distinct, veto);
    }
    if scores.year_gap.is_some_and(|g| g > options.year_tolerance) {
        return None;
    }
    // The same long title on the same pages of the same volume: one printed item, whatever
    // the author lists say (a study group for its chair, a name transliterated twice) and
    // whatever the issue (a typo, when the authors agree: pages run on through a volume).
    let long = |k: &RecordKeys| k.title.len() >= MIN_TITLE;
    let one_item = place
        && t >= NEAR_IDENTICAL
        && long(x)
        && long(y)
        && (agree(&x.issue, &y.issue) || scores.authors.is_some_and(|a| a >= 0.7));
    let authors_ok = scores.authors.is_none_or(|a| a >= 0.5);
    if scores.authors.is_some_and(|a| a < 0.34) && !one_item {
        return None;
    }
    let venue_differs = scores.venue.is_some_and(|v| v < 0.4);
    let volume_differs = !agree(&x.volume, &y.volume);
    let issue_differs = !agree(&x.issue, &y.issue);
    if (issue_differs || volume_differs) && scores.pages != Some(true) {
        return None; // a column that recurs in every issue ("Editor's Comments")
    }
    let rule = if translated {
        Rule::TranslatedTitle
    } else if t >= 1.0 {
        Rule::TitleYear
    } else {
        Rule::TitleAuthors
    };
    // Front matter repeats its roman page numbers in every issue ("Editor's Comments", iii).
    if t >= NEAR_IDENTICAL && authors_ok && !issue_differs {
        let strong_authors = scores.authors.is_some_and(|a| a >= 0.7);
        let duplicate = match scores.pages {
            // Venues are named in many ways (a book series or its volume); volume, page,
            // title and authors all agreeing is no coincidence.
            Some(true) => {
                !venue_differs || (x.volume.is_some() && !volume_differs && strong_authors)
            }
            Some(false) => same_last_page(x, y),
            None => {
                let venue_agrees = scores.venue.is_some_and(|v| v >= 0.75);
                (venue_agrees && !volume_differs && t >= 0.95 && strong_authors)
                    // Nothing else to compare, or venues named too differently to compare
                    // (`ICIS` and `International Conference on Information Systems`): the
                    // same long title, year, type and authors.
                    || (t >= 1.0
                        && x.title.len() >= 40
                        && strong_authors
                        && scores.year_gap == Some(0)
                        && x.kind.is_some()
                        && x.kind == y.kind
                        && !venue_differs_strongly(x, y, &scores))
            }
        };
        if duplicate {
            return verdict(Verdict::Duplicate, rule);
        }
    }
    if one_item {
        return verdict(Verdict::Duplicate, Rule::SameLocation);
    }
    if t >= 0.85 && authors_ok {
        return verdict(Verdict::Uncertain, Rule::Similar);
    }
    None
}

/// Whether the two records' own fields say they are different works, whatever their titles:
/// years further apart than the tolerance, different volumes, or different pages (first and
/// last). What clustering checks before it joins a record to a group through a third record
/// ([`super::cluster()`]): titles in two languages are no such evidence.
pub fn contradicts(x: &RecordKeys, y: &RecordKeys, options: &Options) -> bool {
    let year_gap = x.year.zip(y.year).map(|(a, b)| (a - b).abs());
    let both_differ = |a: &Option<String>, b: &Option<String>| a.is_some() && b.is_some() && a != b;
    year_gap.is_some_and(|g| g > options.year_tolerance)
        || both_differ(&x.volume, &y.volume)
        || (x.article_number == y.article_number
            && both_differ(&x.first_page, &y.first_page)
            && !same_last_page(x, y))
}

/// Shortest compacted title a merge by [`same_place`] trusts; shorter ones are queued.
const MIN_TITLE: usize = 20;

/// Longest page range one work spans; a longer range is a supplement's or a book's, which
/// many abstracts or chapters share.
const MAX_SPAN: u32 = 60;

/// Both printed in one place: the same first and last page of a range of a few pages
/// (several letters share one page; a supplement's range is shared by all its abstracts) in
/// the same volume — or, for proceedings without volumes, the same venue — and the same
/// year. Two different works cannot occupy the same pages of one volume; the callers add
/// what else must agree.
fn same_place(x: &RecordKeys, y: &RecordKeys, scores: &Scores) -> bool {
    let span = |k: &RecordKeys| {
        let first: u32 = k.first_page.as_deref()?.parse().ok()?;
        let last: u32 = k.last_page.as_deref()?.parse().ok()?;
        (last > first && last - first <= MAX_SPAN).then_some(())
    };
    let volume = match (&x.volume, &y.volume) {
        (Some(a), Some(b)) => a == b,
        (None, None) => scores.venue == Some(1.0),
        _ => false,
    };
    scores.pages == Some(true)
        && x.last_page == y.last_page
        && span(x).is_some()
        && volume
        && scores.year_gap == Some(0)
}

/// Venues that share nothing at all, not even an abbreviation, while both are journals.
fn venue_differs_strongly(x: &RecordKeys, y: &RecordKeys, scores: &Scores) -> bool {
    let journal = Some(super::keys::Kind::Article);
    scores.venue.is_some_and(|v| v == 0.0) && x.kind == journal && y.kind == journal
}

/// True unless both are known and differ.
fn agree(a: &Option<String>, b: &Option<String>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// The veto that keeps a similar-looking pair apart, if any.
/// A conference abstract and an article are told apart by their venues: the same journal
/// with and without its supplement marked is one record, an abstract in another venue is not.
fn veto(x: &RecordKeys, y: &RecordKeys, scores: &Scores) -> Option<Rule> {
    if x.notice != y.notice {
        return Some(Rule::NoticeVsArticle);
    }
    // On one and the same first page it is a garbled symbol instead (`O2-` read as `Op6`).
    if x.title_numbers != y.title_numbers
        && x.title_numbers.len() == y.title_numbers.len()
        && scores.pages != Some(true)
    {
        return Some(Rule::DifferentNumbers);
    }
    if x.meeting_abstract != y.meeting_abstract
        && x.notice != Some(Notice::Protocol)
        && scores.venue.is_none_or(|v| v < 0.75)
    {
        return Some(Rule::AbstractVsArticle);
    }
    if scores.pages == Some(false) && !same_last_page(x, y) {
        return Some(Rule::DifferentPages);
    }
    None
}

/// Pages that differ in the first page only: a typo in one of the two numbers, or, in the
/// same volume, a range of which one database kept only the end (`488` and `487-488`).
fn same_last_page(x: &RecordKeys, y: &RecordKeys) -> bool {
    let end_only = |a: &RecordKeys, b: &RecordKeys| {
        a.last_page.is_none() && a.first_page.is_some() && a.first_page == b.last_page
    };
    x.last_page.is_some() && x.last_page == y.last_page
        || x.volume.is_some() && x.volume == y.volume && (end_only(x, y) || end_only(y, x))
}

/// Title similarity (0–1), best over the titles and their translations, and whether the
/// best match involved a translation. `None` when either record has no title.
fn title_similarity(x: &RecordKeys, y: &RecordKeys) -> (Option<f32>, bool) {
    if x.title.is_empty() && x.other_titles.is_empty()
        || y.title.is_empty() && y.other_titles.is_empty()
    {
        return (None, false);
    }
    let mut best = similarity(&x.title, &y.title);
    let mut translated = false;
    if best < 1.0 && !(x.other_titles.is_empty() && y.other_titles.is_empty()) {
        let xs = std::iter::once(&x.title).chain(&x.other_titles);
        for (i, a) in xs.enumerate() {
            let ys = std::iter::once(&y.title).chain(&y.other_titles);
            for (j, b) in ys.enumerate() {
                if i == 0 && j == 0 {
                    continue;
                }
                let s = similarity(a, b);
                if s > best {
                    best = s;
                    translated = true;
                }
            }
        }
    }
    (Some(best), translated)
}

/// Similarity of two compacted titles: 1 when equal; 0.95 when one is the start or the end
/// of the other and long (a truncated title, an added prefix); otherwise 1 − edit distance /
/// length, computed only down to [`SIMILAR`] (0 below).
pub fn similarity(a: &str, b: &str) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() >= 30 && (long.starts_with(short) || long.ends_with(short)) {
        return 0.95;
    }
    let max = ((1.0 - SIMILAR) * long.len() as f32).floor() as usize;
    if long.len() - short.len() > max {
        return 0.0;
    }
    match bounded_levenshtein(short.as_bytes(), long.as_bytes(), max) {
        Some(d) => 1.0 - d as f32 / long.len() as f32,
        None => 0.0,
    }
}

/// Edit distance of `a` and `b` when at most `max`, in O(len · max) (a diagonal band).
fn bounded_levenshtein(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return None;
    }
    const INF: usize = usize::MAX / 2;
    let mut prev = vec![INF; m + 1];
    let mut cur = vec![INF; m + 1];
    for (j, p) in prev.iter_mut().enumerate().take(max.min(m) + 1) {
        *p = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        cur.iter_mut().for_each(|c| *c = INF);
        if i <= max {
            cur[0] = i;
        }
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= max).then_some(prev[m])
}

/// Share of the shorter author list's surnames found in the other (`et al.` lists are
/// short); `None` when either has none.
fn author_similarity(a: &[String], b: &[String]) -> Option<f32> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common = short.iter().filter(|s| long.contains(s)).count();
    Some(common as f32 / short.len() as f32)
}

/// Venue similarity: 1 for a shared ISSN or the same words; 0.8 for a name and its acronym
/// (`ICIS`); abbreviations match word by word
/// as prefixes in order (`J Mol Cell Cardiol` = `Journal of Molecular and Cellular
/// Cardiology`); unmatched words lower the score. `None` when either has no venue.
fn venue_similarity(x: &RecordKeys, y: &RecordKeys) -> Option<f32> {
    if x.issn.iter().any(|i| y.issn.contains(i)) {
        return Some(1.0);
    }
    let (a, b) = (&x.venue, &y.venue);
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(1.0);
    }
    // A conference by its acronym (`ICIS`), the other by its name.
    let acronym_of = |w: &[String], k: &RecordKeys| {
        w.len() == 1 && w[0].len() >= 3 && k.venue_acronym.as_deref() == Some(w[0].as_str())
    };
    if acronym_of(a, y) || acronym_of(b, x) {
        return Some(0.8);
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut j = 0;
    for w in long {
        if j < short.len() && (w.starts_with(short[j].as_str()) || short[j].starts_with(w.as_str()))
        {
            j += 1;
        }
    }
    Some(2.0 * j as f32 / (short.len() + long.len()) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dedup::tests::rec;

    fn keys(r: &crate::model::Record) -> RecordKeys {
        RecordKeys::of(r)
    }

    fn verdict(a: &crate::model::Record, b: &crate::model::Record) -> Option<(Verdict, Rule)> {
        compare(&keys(a), &keys(b), &Options::default()).map(|c| (c.verdict, c.rule))
    }

    const TITLE: &str = "Adenosine A1 receptor activation induces delayed preconditioning in rats";

    #[test]
    fn abbreviated_journal_and_short_pages_are_the_same_article() {
        let a = rec("1", TITLE, Some(2000), Some("10.1161/01.cir.101.24.2841"));
        let mut b = rec(
            "2",
            "Adenosine A(1) receptor activation induces delayed preconditioning in rats.",
            Some(2000),
            None,
        );
        b.venue = Some("Tidsskr Nor Laegeforen".into());
        b.pages = Some("1123-9".into());
        assert_eq!(verdict(&a, &b), Some((Verdict::Duplicate, Rule::TitleYear)));
    }

    #[test]
    fn different_page_ranges_veto_but_a_typo_in_one_number_does_not() {
        let a = rec("1", TITLE, Some(2000), None);
        let mut b = rec("2", TITLE, Some(2000), None);
        b.pages = Some("2013-2019".into());
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Distinct, Rule::DifferentPages))
        );
        b.pages = Some("1132-1129".into()); // the first page mistyped, the last one agrees
        assert_eq!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn different_article_numbers_veto_and_numbers_are_not_pages() {
        let mut a = rec("1", TITLE, Some(2011), None);
        let mut b = rec("2", TITLE, Some(2011), None);
        a.pages = Some("e24083".into());
        b.pages = Some("e26022".into());
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Distinct, Rule::DifferentPages))
        );
        // PLoS ONE as a page range in one database, an article number in another.
        b.pages = Some("1-6".into());
        let c = compare(&keys(&a), &keys(&b), &Options::default()).unwrap();
        assert_eq!(c.scores.pages, None);
    }

    #[test]
    fn a_conference_abstract_is_not_the_journal_article() {
        let a = rec("1", TITLE, Some(2009), None);
        let mut b = rec("2", TITLE, Some(2009), None);
        b.venue = Some("The FASEB Journal".into());
        b.volume = Some("23 (S1)".into());
        b.pages = None;
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Distinct, Rule::AbstractVsArticle))
        );
        // The same journal's supplement marked in one export only: one record.
        b.venue = a.venue.clone();
        b.volume = Some("140 Suppl 1".into());
        assert_ne!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Distinct));
    }

    #[test]
    fn replies_and_comments_are_kept_apart() {
        let a = rec("1", TITLE, Some(2000), None);
        let b = rec("2", &format!("Comment on: {TITLE}"), Some(2000), None);
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Distinct, Rule::NoticeVsArticle))
        );
    }

    #[test]
    fn parts_and_volumes_with_other_numbers_are_different_works() {
        let mut a = rec(
            "1",
            "International Conference on Information Systems, Volume 1",
            Some(2013),
            None,
        );
        let mut b = rec(
            "2",
            "International Conference on Information Systems, Volume 4",
            Some(2013),
            None,
        );
        a.pages = None;
        b.pages = None;
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Distinct, Rule::DifferentNumbers))
        );
    }

    #[test]
    fn a_column_recurring_in_every_issue_is_not_one_record() {
        let mut a = rec("1", "Editor's Comments", Some(2003), None);
        let mut b = rec("2", "Editor's Comments", Some(2003), None);
        a.issue = Some("2".into());
        b.issue = Some("3".into());
        a.pages = Some("iii-xi".into());
        b.pages = Some("iii-xii".into());
        assert_ne!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn missing_dois_fall_back_to_the_fields_and_different_dois_veto() {
        let a = rec("1", TITLE, Some(2000), Some("10.1161/01.cir.101.24.2841"));
        let b = rec("2", TITLE, Some(2000), None);
        assert_eq!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
        let mut c = rec("3", TITLE, Some(2000), Some("10.1016/other"));
        c.pages = Some("200-210".into());
        assert_eq!(
            verdict(&a, &c),
            Some((Verdict::Distinct, Rule::DifferentDoi))
        );
    }

    #[test]
    fn a_translated_title_in_the_same_place_is_the_same_item() {
        // MEDLINE gives the English translation, the publisher's record the German original.
        let mut a = rec(
            "1",
            "Myocardial protection by preconditioning. Experimental and clinical significance",
            Some(1996),
            None,
        );
        let mut b = rec(
            "2",
            "Myokardprotektion durch Präkonditionierung: experimentelle und klinische Bedeutung",
            Some(1996),
            None,
        );
        for r in [&mut a, &mut b] {
            r.issue = Some("2".into());
        }
        a.venue = Some("Z Kardiol".into());
        b.venue = Some("Zeitschrift für Kardiologie".into());
        b.pages = Some("1123-9".into());
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Duplicate, Rule::SameLocation))
        );
        // Another issue of the volume, another year, other authors: not the same place.
        let mut other = b.clone();
        other.issue = Some("3".into());
        assert_ne!(verdict(&a, &other).map(|v| v.0), Some(Verdict::Duplicate));
        let mut other = b.clone();
        other.year = Some(1997);
        assert_ne!(verdict(&a, &other).map(|v| v.0), Some(Verdict::Duplicate));
        let mut other = b.clone();
        other.authors.truncate(1);
        other.authors[0].family = Some("Schaper".into());
        assert_ne!(verdict(&a, &other).map(|v| v.0), Some(Verdict::Duplicate));
        // A record without a real title (a spreadsheet's `#NAME?`) goes to a reviewer.
        let mut other = b.clone();
        other.title = Some("#NAME?".into());
        assert_eq!(
            verdict(&a, &other),
            Some((Verdict::Uncertain, Rule::SameLocation))
        );
        // An erratum printed on the same pages stays a notice.
        let mut other = b.clone();
        other.title = Some("Erratum: Myokardprotektion durch Präkonditionierung".into());
        assert_ne!(verdict(&a, &other).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn a_conference_named_by_its_acronym_is_the_same_venue() {
        let mut a = rec(
            "1",
            "Call for Bids to Improve Matching Efficiency - Evidence from Online Labor Markets",
            Some(2017),
            None,
        );
        let mut b = rec(
            "2",
            "Call for Bids to Improve Matching Efficiency: Evidence from Online Labor Markets",
            Some(2018),
            None,
        );
        for r in [&mut a, &mut b] {
            r.kind = Some("inproceedings".into());
            r.volume = None;
        }
        a.venue = Some("International Conference on Information Systems".into());
        b.venue = Some("ICIS : Transforming Society with Digital Innovation".into());
        a.pages = Some("1--12".into());
        b.pages = None;
        assert_eq!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
        let c = compare(&keys(&a), &keys(&b), &Options::default()).unwrap();
        assert_eq!(c.scores.venue, Some(0.8));
        // Another conference's acronym is no match.
        b.venue = Some("ECIS".into());
        assert_ne!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn a_shared_page_or_a_supplements_range_is_no_location() {
        // A letter and the reply on one page; two abstracts given their supplement's range.
        let mut a = rec(
            "1",
            "Atypical haemolytic uraemic syndrome after infection",
            Some(2004),
            None,
        );
        let mut b = rec(
            "2",
            "Reply to Yildiz and colleagues on a case of haemolysis",
            Some(2004),
            None,
        );
        a.pages = Some("945".into());
        b.pages = Some("945-945".into());
        assert_eq!(verdict(&a, &b), None);
        a.pages = Some("S1-S300".into());
        b.pages = Some("S1-S300".into());
        assert_eq!(verdict(&a, &b), None);
    }

    #[test]
    fn the_same_title_on_the_same_pages_is_one_item_whoever_the_authors() {
        // A trial report under its study group in one database, under its chair in another;
        // a Chinese journal's authors transliterated twice, its name translated.
        let a = rec("1", TITLE, Some(2003), None);
        let mut b = rec("2", TITLE, Some(2003), None);
        b.authors.truncate(1);
        b.authors[0].family = Some("ALTS Study Group".into());
        b.venue = Some("Bulletin of Hunan Medical University".into());
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Duplicate, Rule::SameLocation))
        );
        // Another volume, another year, or a single shared page: no such certainty.
        let mut other = b.clone();
        other.volume = Some("141".into());
        assert_ne!(verdict(&a, &other).map(|v| v.0), Some(Verdict::Duplicate));
        let mut other = b.clone();
        other.year = Some(2004);
        assert_ne!(verdict(&a, &other).map(|v| v.0), Some(Verdict::Duplicate));
        let (mut c, mut d) = (a.clone(), b.clone());
        c.pages = Some("1123".into());
        d.pages = Some("1123".into());
        assert_ne!(verdict(&c, &d).map(|v| v.0), Some(Verdict::Duplicate));
        // A generic short title on the same pages of two journals is left alone.
        let (mut c, mut d) = (a.clone(), b.clone());
        c.title = Some("Introduction".into());
        d.title = Some("Introduction".into());
        assert_ne!(verdict(&c, &d).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn another_issue_number_on_the_same_pages_of_a_volume_is_a_typo() {
        let mut a = rec("1", TITLE, Some(2010), None);
        let mut b = rec("2", TITLE, Some(2010), None);
        a.issue = Some("2".into());
        b.issue = Some("3".into());
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Duplicate, Rule::SameLocation))
        );
        // Without the authors agreeing, per-issue pagination could explain it.
        b.authors.truncate(1);
        b.authors[0].family = Some("Balon".into());
        assert_ne!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn a_range_kept_only_by_its_last_page_is_the_same_range() {
        let mut a = rec("1", TITLE, Some(2009), None);
        let mut b = rec("2", TITLE, Some(2009), None);
        a.pages = Some("488".into());
        b.pages = Some("487-488".into());
        assert_eq!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
        // Its first page is an ordinary page match; any other page is another article.
        a.pages = Some("490".into());
        assert_eq!(
            verdict(&a, &b),
            Some((Verdict::Distinct, Rule::DifferentPages))
        );
        // In another volume the last page proves nothing.
        a.pages = Some("488".into());
        a.volume = Some("141".into());
        assert_ne!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
    }

    #[test]
    fn one_doi_with_a_mistyped_page_is_one_record_but_not_across_two_dois() {
        let doi = Some("10.1016/j.abb.2006.02.007");
        let a = rec("1", TITLE, Some(2006), doi);
        let mut b = rec("2", TITLE, Some(2006), doi);
        b.pages = Some("128-132".into());
        assert_eq!(verdict(&a, &b), Some((Verdict::Duplicate, Rule::Doi)));
        // A supplement's DOI shared by another abstract keeps the page veto.
        b.title = Some("Mitochondrial function after ischaemia in the ageing rat heart".into());
        assert_ne!(verdict(&a, &b).map(|v| v.0), Some(Verdict::Duplicate));
        let mut c = rec("3", TITLE, Some(2006), Some("10.1016/j.abb.2006.02.999"));
        c.pages = Some("128-132".into());
        assert_eq!(
            verdict(&a, &c),
            Some((Verdict::Distinct, Rule::DifferentDoi))
        );
    }

    #[test]
    fn bounded_levenshtein_agrees_with_the_plain_one() {
        assert_eq!(bounded_levenshtein(b"kitten", b"sitting", 5), Some(3));
        assert_eq!(bounded_levenshtein(b"kitten", b"sitting", 2), None);
        assert_eq!(bounded_levenshtein(b"", b"abc", 3), Some(3));
        assert_eq!(bounded_levenshtein(b"abc", b"abc", 0), Some(0));
    }

    #[test]
    fn title_similarity_tolerates_typos_and_truncation() {
        let a = "originalcervicalcytologyandfollowupbiopsyresultsinpositivehighriskhumanpapillomavirusdnatestswithhighlevelresults";
        let b = "originalcervicalcytologyandfollowupbiopsyresultsinpositivehighriskhumanpapillomavirusdnatestswithhighlevelresuls";
        assert!(similarity(a, b) > 0.98);
        assert_eq!(similarity(a, &a[..80]), 0.95);
        assert_eq!(similarity("homecare", "nursinghomes"), 0.0);
    }
}
