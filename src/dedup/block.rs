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

/// The blocking keys of one record, hashed with their kind so kinds never collide.
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
    add("title", &k.title);
    for t in &k.other_titles {
        add("title", t);
    }
    out.sort_unstable();
    out.dedup();
    out
}
