//! Blocking: the candidate pairs worth comparing, found through shared keys (identifiers,
//! the folded title, translated titles) instead of comparing all pairs. A pair is a
//! candidate when the two records share at least one key; whether they do depends only on
//! the two records, which is what makes incremental runs equal full runs.

use super::keys::RecordKeys;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Every pair `(a, b)`, `a < b`, sharing a key, with `b >= new_from`; sorted, no repeats.
pub fn candidate_pairs(keys: &[RecordKeys], new_from: usize) -> Vec<(usize, usize)> {
    let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        for key in block_keys(k) {
            blocks.entry(key).or_default().push(i as u32);
        }
    }
    let mut pairs = Vec::new();
    for members in blocks.values() {
        for (x, &b) in members.iter().enumerate() {
            if (b as usize) < new_from {
                continue;
            }
            for &a in &members[..x] {
                pairs.push((a as usize, b as usize));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Characters of a title's start and end that are blocking keys of their own, so that a
/// truncated title, an added prefix or a typo still meets its twin.
const AFFIX: usize = 30;

/// The blocking keys of one record, hashed with their kind so kinds never collide: its
/// identifiers; each title (and translation) whole, its first and its last [`AFFIX`]
/// characters; first author + volume + first page (titles reworded or garbled in both halves).
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
    for t in std::iter::once(&k.title).chain(&k.other_titles) {
        add("title", t);
        if t.len() >= AFFIX + 10 && t.is_ascii() {
            add("start", &t[..AFFIX]);
            add("end", &t[t.len() - AFFIX..]);
        }
    }
    if let (Some(a), Some(v), Some(p)) = (k.authors.first(), &k.volume, &k.first_page) {
        add("author-volume-page", &format!("{a}|{v}|{p}"));
    }
    out.sort_unstable();
    out.dedup();
    out
}
