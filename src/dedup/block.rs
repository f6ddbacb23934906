//! Blocking: the candidate pairs worth comparing, found through shared keys (identifiers,
//! the folded title, translated titles) instead of comparing all pairs. A pair is a
//! candidate when the two records share at least one key; whether they do depends only on
//! the two records, which is what makes incremental runs equal full runs.

use super::keys::RecordKeys;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

/// Every pair `(a, b)`, `a < b`, sharing a key, with `b >= new_from`; sorted, no repeats.
///
/// The keys of all records are sorted once (`(key, record)`, 12 bytes each) and each run of
/// equal keys is a block; no hash map of vectors, so a million records stay within a few
/// hundred megabytes. Blocks are never capped (a cap would depend on the rest of the corpus
/// and break incremental = full); keys that could gather many unrelated records (the start
/// of a title, a short title) carry the year instead, and a short title also the first author
/// or the volume.
pub fn candidate_pairs(keys: &[RecordKeys], new_from: usize) -> Vec<(u32, u32)> {
    let mut entries: Vec<(u64, u32)> = keys
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, k)| block_keys(k).into_iter().map(move |key| (key, i as u32)))
        .collect();
    entries.par_sort_unstable();
    let runs: Vec<&[(u64, u32)]> = entries.chunk_by(|a, b| a.0 == b.0).collect();
    let mut pairs: Vec<(u32, u32)> = runs
        .par_iter()
        .flat_map_iter(|run| {
            let mut out = Vec::new();
            if run.len() > 1 {
                for (x, &(_, b)) in run.iter().enumerate() {
                    if (b as usize) >= new_from {
                        out.extend(run[..x].iter().map(|&(_, a)| (a, b)));
                    }
                }
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Characters of a title's start and end that are blocking keys of their own, so that a
/// truncated title, an added prefix or a typo still meets its twin.
const AFFIX: usize = 30;

/// The blocking keys of one record, hashed with their kind so kinds never collide: its
/// identifiers; each title (and translation) whole, its first and its last [`AFFIX`]
/// characters; first author + volume + first page (titles reworded or garbled in both halves);
/// year + volume (or venue) + page range (authors named differently as well).
fn block_keys(k: &RecordKeys) -> Vec<u64> {
    let mut out = Vec::new();
    let mut add = |kind: &str, value: &str| {
        if !value.is_empty() {
            out.push(xxh3_64(format!("{kind}\u{0}{value}").as_bytes()));
        }
    };
    if let Some(d) = &k.doi {
        add("doi", d);
    }
    if let Some(p) = &k.pmid {
        add("pmid", p);
    }
    if let Some(c) = &k.cristin {
        add("cristin", c);
    }
    // Records within the year tolerance of 1 share one of `year` and `year + 1`.
    let years: Vec<String> = match k.year {
        Some(y) => vec![y.to_string(), (y + 1).to_string()],
        None => vec!["-".to_string()],
    };
    for t in std::iter::once(&k.title).chain(&k.other_titles) {
        if t.len() >= SHORT_TITLE {
            add("title", t);
        } else {
            // Generic titles (`Editorial`) gather thousands of records a year in a large
            // corpus: narrowed by the first author and by the volume, so a block holds one
            // author's or one volume's editorials.
            let narrow = [k.authors.first(), k.volume.as_ref()];
            for y in &years {
                for (kind, by) in ["short-title-author", "short-title-volume"]
                    .iter()
                    .zip(narrow)
                {
                    if let Some(by) = by {
                        add(kind, &format!("{t}|{y}|{by}"));
                    }
                }
                if narrow.iter().all(Option::is_none) {
                    add("short-title", &format!("{t}|{y}"));
                }
            }
        }
        if t.len() >= AFFIX + 10 && t.is_ascii() {
            for y in &years {
                add("start", &format!("{}|{y}", &t[..AFFIX]));
                add("end", &format!("{}|{y}", &t[t.len() - AFFIX..]));
            }
        }
    }
    if let (Some(a), Some(v), Some(p)) = (k.authors.first(), &k.volume, &k.first_page) {
        add("author-volume-page", &format!("{a}|{v}|{p}"));
    }
    // The place of a page range: titles reworded and authors named differently in both.
    if let (Some(y), Some(first), Some(last)) = (k.year, &k.first_page, &k.last_page) {
        let volume = k.volume.clone().unwrap_or_else(|| k.venue.join(" "));
        if first != last && !volume.is_empty() {
            add("place", &format!("{y}|{volume}|{first}|{last}"));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Titles shorter than this (compacted) are generic (`Editorial`, `Reply`, `Introduction`)
/// and blocked together with their year and first author or volume.
const SHORT_TITLE: usize = 25;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::tests::rec;

    #[test]
    fn generic_short_titles_meet_only_by_author_or_volume() {
        let editorial = |id: &str, author: &str, volume: &str| {
            let mut r = rec(id, "Editorial", Some(2015), None);
            r.authors.truncate(1);
            r.authors[0].family = Some(author.into());
            r.volume = Some(volume.into());
            r.pages = None;
            RecordKeys::of(&r)
        };
        let keys = [
            editorial("1", "Hansen", "12"),
            editorial("2", "Berg", "40"),
            editorial("3", "Hansen", "7"),
            editorial("4", "Dahl", "40"),
        ];
        assert_eq!(candidate_pairs(&keys, 0), vec![(0, 2), (1, 3)]);
    }
}
