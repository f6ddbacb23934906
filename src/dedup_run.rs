//! One `litscope dedup` run, between the pure algorithm ([`crate::dedup`], which speaks in
//! record indices) and `corpus/dedup/` ([`crate::store::dedup`], which speaks in stable
//! `SOURCE:SOURCE_ID` keys).
//!
//! Incremental by construction: records already in `clusters.jsonl` are put first and only
//! pairs with a new record are compared (`find_links(records, new_from)`); their links are
//! appended to the stored ones, and clustering runs over every stored link and answer in the
//! records' canonical order (the order `corpus/records/` holds them). A full run compares
//! every pair instead and rewrites `links.jsonl`; both end with the same links, hence the
//! same clusters, and ids are kept by [`assign_ids`] either way. This rests on stored source
//! records never changing (harvest and import skip source ids already stored): a record
//! already clustered is never compared again.
//!
//! Library code that sequences three modules ([`crate::dedup`], [`crate::store::dedup`],
//! [`crate::review`]) for `cli/dedup.rs`, which stays glue: it never prints, it reports
//! through the returned [`DedupRun`] and the `step` callback.

use crate::dedup::{self, Answer, Clustering, Link, Options, Rule, Verdict};
use crate::model::{Record, RecordId};
use crate::review::answers::{self, AnswerError, AnswerLine};
use crate::review::{Pair, Side};
use crate::store::StoreError;
use crate::store::dedup::{
    self as store, ClusterLine, Member, Merges, StoredAnswer, StoredLink, assign_ids, source_key,
};
use crate::store::jsonl::Diagnostic;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// What a run did and found.
#[derive(Debug)]
pub struct DedupRun {
    /// Every source record, in canonical order.
    pub records: Vec<Record>,
    /// Their source keys.
    pub keys: Vec<String>,
    /// Records compared for the first time by this run.
    pub new_records: usize,
    /// Links found by this run and not stored before.
    pub new_links: usize,
    /// The clustering of every stored link and answer (indices into `records`).
    pub clustering: Clustering,
    /// The review queue: the uncertain links a reviewer faces, one per pair of merged
    /// records (the first of several between the same two, which one answer settles).
    pub queue: Vec<Link>,
    /// The group (merged record) of each record, numbered in canonical order.
    pub group: Vec<usize>,
    /// The merged record set as stored.
    pub clusters: Vec<ClusterLine>,
    /// True when `clusters.jsonl` changed (false: the run changed nothing).
    pub changed: bool,
    /// Problems found reading or repairing `corpus/dedup/`.
    pub diagnostics: Vec<Diagnostic>,
    /// True when an incremental run had to compare everything (links.jsonl was missing
    /// while clusters.jsonl held merged records).
    pub recovered: bool,
}

impl DedupRun {
    /// Merges per rule: the links (and "yes" answers) that joined records into clusters.
    pub fn merges_by_rule(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for c in &self.clustering.clusters {
            for l in &c.links {
                *out.entry(l.rule.as_str()).or_default() += 1;
            }
        }
        out
    }
}

fn to_stored(l: &Link, keys: &[String]) -> StoredLink {
    let (a, b) = (&keys[l.a], &keys[l.b]);
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let scores = match serde_json::to_value(l.scores) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    StoredLink {
        a: a.clone(),
        b: b.clone(),
        verdict: l.verdict.as_str().into(),
        rule: l.rule.as_str().into(),
        scores,
    }
}

fn from_stored(l: &StoredLink, index: &HashMap<&str, usize>) -> Option<Link> {
    let (a, b) = (*index.get(l.a.as_str())?, *index.get(l.b.as_str())?);
    Some(Link {
        a: a.min(b),
        b: a.max(b),
        verdict: Verdict::parse(&l.verdict)?,
        rule: Rule::parse(&l.rule)?,
        scores: serde_json::from_value(serde_json::Value::Object(l.scores.clone()))
            .unwrap_or_default(),
    })
}

/// The latest answer on each pair, by record index (pairs naming records no longer stored
/// are left out).
pub fn latest_answers(answers: &[StoredAnswer], index: &HashMap<&str, usize>) -> Vec<Answer> {
    let mut latest: HashMap<(usize, usize), bool> = HashMap::new();
    for ans in answers {
        if let (Some(&a), Some(&b)) = (index.get(ans.a.as_str()), index.get(ans.b.as_str())) {
            latest.insert((a.min(b), a.max(b)), ans.duplicate);
        }
    }
    let mut out: Vec<Answer> = latest
        .into_iter()
        .map(|((a, b), duplicate)| Answer { a, b, duplicate })
        .collect();
    out.sort_by_key(|x| (x.a, x.b));
    out
}

/// Reorders `v` in place so that `v[p]` becomes the old `v[order[p]]`: O(n) swaps, never a
/// second copy of the records (a million of them is gigabytes).
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut done = vec![false; v.len()];
    for start in 0..v.len() {
        let mut p = start;
        while !done[p] {
            done[p] = true;
            let q = order[p];
            if q == start {
                break;
            }
            v.swap(p, q);
            p = q;
        }
    }
}

/// What `corpus/dedup/` holds before a run: read once, by [`Stored::load`], for resolving an
/// answers file and for the run itself.
#[derive(Debug)]
pub struct Stored {
    /// The clusters of the previous run.
    pub previous: Merges,
    /// Every stored link.
    pub links: Vec<StoredLink>,
    /// Problems found reading them.
    pub diagnostics: Vec<Diagnostic>,
}

impl Stored {
    /// Reads `clusters.jsonl` and `links.jsonl`.
    pub fn load(corpus: &Path) -> Result<Self, StoreError> {
        let (previous, mut diagnostics) = Merges::load(corpus)?;
        let (links, d) = store::read_links(corpus)?;
        diagnostics.extend(d);
        Ok(Stored {
            previous,
            links,
            diagnostics,
        })
    }
}

/// Runs dedup over `records` (every stored source record, canonical order) and what
/// `corpus/dedup/` held (`stored`, read just before), and stores the outcome. `step` is told
/// what is being done, for a progress line.
pub fn run(
    corpus: &Path,
    records: Vec<Record>,
    stored: Stored,
    full: bool,
    options: &Options,
    mut step: impl FnMut(&str),
) -> Result<DedupRun, StoreError> {
    let Stored {
        previous,
        links: stored_links,
        mut diagnostics,
    } = stored;
    // Merged records without a single stored link: links.jsonl was removed. Comparing only
    // new records would silently undo every merge, so compare everything.
    let recovered = !full
        && previous.clusters().iter().any(|c| c.members.len() > 1)
        && std::fs::metadata(store::links_path(corpus)).map_or(true, |m| m.len() == 0);
    let full = full || recovered;
    let keys: Vec<String> = records
        .iter()
        .map(|r| source_key(r.source(), r.source_id()))
        .collect();
    let index: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();

    // Old records first, new after, for find_links; then back to canonical order.
    let is_new: Vec<bool> = keys
        .iter()
        .map(|k| full || !previous.contains_key(k))
        .collect();
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| (is_new[i], i));
    let new_from = is_new.iter().filter(|n| !**n).count();
    let new_records = records.len() - new_from;
    let mut records = records;
    permute(&mut records, &order);
    step(&format!(
        "comparing {new_records} new records with {} stored",
        new_from
    ));
    let found = if new_records == 0 {
        Vec::new()
    } else {
        dedup::find_links(&records, new_from, options)
    };
    let mut back = vec![0usize; order.len()];
    for (p, &i) in order.iter().enumerate() {
        back[i] = p;
    }
    permute(&mut records, &back);
    let found: Vec<Link> = found
        .into_iter()
        .map(|l| {
            let (a, b) = (order[l.a], order[l.b]);
            Link {
                a: a.min(b),
                b: a.max(b),
                ..l
            }
        })
        .collect();

    step("storing links");
    let mut links: Vec<Link>;
    let new_links;
    if full {
        let mut stored: Vec<StoredLink> = found.iter().map(|l| to_stored(l, &keys)).collect();
        stored.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        let known: HashSet<(&str, &str)> = stored_links
            .iter()
            .map(|l| (l.a.as_str(), l.b.as_str()))
            .collect();
        new_links = stored
            .iter()
            .filter(|l| !known.contains(&(l.a.as_str(), l.b.as_str())))
            .count();
        store::write_links(corpus, &stored)?;
        links = found;
    } else {
        let known: HashSet<(&str, &str)> = stored_links
            .iter()
            .map(|l| (l.a.as_str(), l.b.as_str()))
            .collect();
        let mut fresh: Vec<StoredLink> = found
            .iter()
            .map(|l| to_stored(l, &keys))
            .filter(|l| !known.contains(&(l.a.as_str(), l.b.as_str())))
            .collect();
        fresh.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        new_links = fresh.len();
        diagnostics.extend(store::append_links(corpus, &fresh)?);
        links = stored_links
            .iter()
            .filter_map(|l| from_stored(l, &index))
            .collect();
        links.extend(found);
        links.sort_by_key(|l| (l.a, l.b));
        links.dedup_by_key(|l| (l.a, l.b));
    }

    step("clustering");
    let (answers, d) = store::read_answers(corpus)?;
    diagnostics.extend(d);
    let answers = latest_answers(&answers, &index);
    let clustering = dedup::cluster(&records, &links, &answers, options);

    // Every record in one group: its cluster's, or alone; groups in canonical order.
    let assignment = clustering.assignment(records.len());
    let mut groups: Vec<Vec<Member>> = Vec::new();
    let mut group_of_cluster: HashMap<usize, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let m = Member {
            key: &keys[i],
            id: &r.id,
            retrieved: r.provenance.retrieved,
        };
        match assignment[i] {
            Some(c) => match group_of_cluster.get(&c) {
                Some(&g) => groups[g].push(m),
                None => {
                    group_of_cluster.insert(c, groups.len());
                    groups.push(vec![m]);
                }
            },
            None => groups.push(vec![m]),
        }
    }
    let clusters = assign_ids(&groups, &previous);
    let mut group = vec![0usize; records.len()];
    for (g, members) in groups.iter().enumerate() {
        for m in members {
            group[index[m.key]] = g;
        }
    }
    let mut asked: HashSet<(usize, usize)> = HashSet::new();
    let queue: Vec<Link> = clustering
        .uncertain
        .iter()
        .filter(|l| {
            let (x, y) = (group[l.a], group[l.b]);
            asked.insert((x.min(y), x.max(y)))
        })
        .copied()
        .collect();
    drop(groups);
    step("storing clusters");
    let changed = store::write_clusters(corpus, &clusters)?;
    Ok(DedupRun {
        records,
        keys,
        new_records,
        new_links,
        clustering,
        queue,
        group,
        clusters,
        changed,
        diagnostics,
        recovered,
    })
}

/// A record as the review queue shows it.
fn side(r: &Record, key: &str) -> Side {
    let authors: Vec<String> = r.authors.iter().take(8).map(|a| a.display_name()).collect();
    let mut authors = authors.join("; ");
    if r.authors.len() > 8 {
        authors.push_str(&format!("; … ({} in all)", r.authors.len()));
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let ids: Vec<String> = r.ids.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let mut abstract_text: String = opt(&r.abstract_text).chars().take(400).collect();
    if r.abstract_text
        .as_ref()
        .is_some_and(|a| a.chars().count() > 400)
    {
        abstract_text.push('…');
    }
    let mut rows = vec![("title", opt(&r.title))];
    for (lang, t) in &r.other_titles {
        rows.push(("title in", format!("{lang}: {t}")));
    }
    rows.extend([
        ("authors", authors),
        ("year", r.year.map(|y| y.to_string()).unwrap_or_default()),
        ("venue", opt(&r.venue)),
        ("volume", opt(&r.volume)),
        ("issue", opt(&r.issue)),
        (
            "pages",
            match (&r.pages, &r.article_number) {
                (Some(p), Some(a)) => format!("{p} · article {a}"),
                (None, Some(a)) => format!("article {a}"),
                (p, None) => opt(p),
            },
        ),
        ("doi", opt(&r.doi)),
        ("ids", ids.join("; ")),
        (
            "type",
            r.kind
                .iter()
                .map(|k| k.as_str())
                .chain(r.genre.iter().map(|g| g.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("abstract", abstract_text),
    ]);
    Side::new(key, r.id.as_str(), rows)
}

/// Why a pair is uncertain, as one line: the rule and the scores that exist.
fn why(l: &Link) -> String {
    let s = &l.scores;
    let mut parts = vec![l.rule.as_str().to_string()];
    for (name, v) in [
        ("title", s.title),
        ("authors", s.authors),
        ("venue", s.venue),
    ] {
        if let Some(v) = v {
            parts.push(format!("{name} {v:.2}"));
        }
    }
    if let Some(g) = s.year_gap {
        parts.push(format!("year gap {g}"));
    }
    if let Some(p) = s.pages {
        parts.push(if p { "pages agree" } else { "pages differ" }.into());
    }
    parts.join(" · ")
}

impl DedupRun {
    /// The uncertain pairs waiting for review, as the queue shows them.
    pub fn pairs(&self) -> Vec<Pair> {
        self.queue
            .iter()
            .map(|l| Pair {
                a: side(&self.records[l.a], &self.keys[l.a]),
                b: side(&self.records[l.b], &self.keys[l.b]),
                why: why(l),
                groups: (self.group[l.a], self.group[l.b]),
            })
            .collect()
    }

    /// The uncertain pairs as an answers file (see [`crate::review::answers`]).
    pub fn listing(&self) -> String {
        let mut out = String::from(answers::LISTING_HEADER);
        for (l, p) in self.queue.iter().zip(self.pairs()) {
            let line = |s: &Side| {
                let year = s.value("year");
                format!(
                    "{} ({}) {}",
                    s.value("title"),
                    if year.is_empty() { "n.d." } else { year },
                    s.value("authors")
                )
            };
            out.push_str(&format!(
                "\n# {}\n#   A {}\n#   B {}\n",
                p.why,
                line(&p.a),
                line(&p.b)
            ));
            let name =
                |i: usize| answers::name(&self.keys[i], self.records[i].id.as_str()).to_string();
            out.push_str(&format!("{} {} ?\n", name(l.a), name(l.b)));
        }
        out
    }

    /// The uncertain pairs as a JSON array.
    pub fn listing_json(&self) -> serde_json::Value {
        let rec = |i: usize| {
            let r = &self.records[i];
            serde_json::json!({"key": self.keys[i], "id": r.id, "title": r.title, "year": r.year,
                "authors": r.authors.iter().map(|a| a.display_name()).collect::<Vec<_>>(),
                "venue": r.venue, "doi": r.doi})
        };
        let pairs: Vec<serde_json::Value> = self
            .queue
            .iter()
            .map(|l| serde_json::json!({"a": rec(l.a), "b": rec(l.b), "rule": l.rule.as_str(), "scores": l.scores}))
            .collect();
        serde_json::Value::Array(pairs)
    }
}

/// The source keys of the pair an uncertain link (index into the queue) names.
pub fn pair_keys(run: &DedupRun, index: usize) -> (String, String) {
    let l = &run.queue[index];
    (run.keys[l.a].clone(), run.keys[l.b].clone())
}

/// Resolves an answers file's names to source keys: a `SOURCE:SOURCE_ID` names that record,
/// a record id names every source record with that id or merged into it. Between two
/// merged records the answer is stored on a pair with a link when there is one (the pair the
/// queue showed), else on their first records. Each answer line gives `(a, b, duplicate)`.
pub fn resolve_answers(
    path: &Path,
    lines: &[AnswerLine],
    records: &[Record],
    merges: &Merges,
    links: &[StoredLink],
) -> Result<Vec<(String, String, bool)>, AnswerError> {
    let linked: HashSet<(&str, &str)> =
        links.iter().map(|l| (l.a.as_str(), l.b.as_str())).collect();
    let ordered = |x: &'_ str, y: &'_ str| -> (String, String) {
        if x <= y {
            (x.to_string(), y.to_string())
        } else {
            (y.to_string(), x.to_string())
        }
    };
    let keys: Vec<String> = records
        .iter()
        .map(|r| source_key(r.source(), r.source_id()))
        .collect();
    let by_key: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut by_id: HashMap<&RecordId, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        by_id.entry(&r.id).or_default().push(i);
        let group = merges.group(r.source(), r.source_id(), &r.id);
        if group != &r.id {
            by_id.entry(group).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for line in lines {
        let Some(duplicate) = line.duplicate else {
            continue;
        };
        let err = |message: String| AnswerError {
            path: path.to_path_buf(),
            line: line.line,
            message,
        };
        let resolve = |name: &str| -> Result<Vec<usize>, AnswerError> {
            if let Some(&i) = by_key.get(name) {
                return Ok(vec![i]);
            }
            if name.contains(':') {
                return Err(err(format!(
                    "no stored record is `{}`",
                    crate::text::for_terminal(name)
                )));
            }
            let id = RecordId::parse(name).ok_or_else(|| {
                err(format!(
                    "`{}` is neither a record id nor SOURCE:SOURCE_ID",
                    crate::text::for_terminal(name)
                ))
            })?;
            by_id
                .get(&id)
                .cloned()
                .ok_or_else(|| err(format!("no record has the id {id}")))
        };
        let (a, b) = (resolve(&line.a)?, resolve(&line.b)?);
        if a.iter().any(|i| b.contains(i)) {
            return Err(err(format!(
                "{} and {} are one merged record already; name its source records (SOURCE:SOURCE_ID) to tell them apart",
                crate::text::for_terminal(&line.a),
                crate::text::for_terminal(&line.b)
            )));
        }
        let shown = a
            .iter()
            .flat_map(|&i| b.iter().map(move |&j| (i, j)))
            .find(|&(i, j)| {
                let (x, y) = ordered(&keys[i], &keys[j]);
                linked.contains(&(x.as_str(), y.as_str()))
            });
        let (i, j) = shown.unwrap_or((a[0], b[0]));
        let (x, y) = ordered(&keys[i], &keys[j]);
        out.push((x, y, duplicate));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screened::testing::record;

    fn link(a: &str, b: &str) -> StoredLink {
        StoredLink {
            a: a.into(),
            b: b.into(),
            verdict: "uncertain".into(),
            rule: "similar".into(),
            scores: serde_json::Map::new(),
        }
    }

    #[test]
    fn an_answer_naming_merged_records_lands_on_the_pair_the_queue_showed() {
        let records = vec![
            record("x", "1", None),
            record("y", "2", None),
            record("z", "3", None),
        ];
        let merges = Merges::new(vec![
            ClusterLine {
                id: records[0].id.clone(),
                members: vec!["x:1".into(), "y:2".into()],
                records: vec![records[0].id.clone(), records[1].id.clone()],
            },
            ClusterLine {
                id: records[2].id.clone(),
                members: vec!["z:3".into()],
                records: vec![records[2].id.clone()],
            },
        ]);
        let path = Path::new("a.txt");
        let text = format!(
            "{} {} y\nz:3 x:1 n\nx:1 z:3 ?\n",
            records[2].id, records[0].id
        );
        let lines = answers::parse(path, &text).unwrap();
        let got = resolve_answers(path, &lines, &records, &merges, &[link("y:2", "z:3")]).unwrap();
        assert_eq!(
            got,
            [
                ("y:2".to_string(), "z:3".to_string(), true),
                ("x:1".to_string(), "z:3".to_string(), false)
            ]
        );
        // The member's own id names the merged record too; naming both halves is refused.
        let lines =
            answers::parse(path, &format!("{} {} n\n", records[1].id, records[0].id)).unwrap();
        let e = resolve_answers(path, &lines, &records, &merges, &[]).unwrap_err();
        assert_eq!(e.line, 1);
        // Names are shown sanitised (a hostile source id holds terminal escapes).
        let hostile = vec![record("x", "1\u{1b}[2J", None), record("y", "2", None)];
        let merges = Merges::new(vec![ClusterLine {
            id: hostile[1].id.clone(),
            members: vec!["x:1\u{1b}[2J".into(), "y:2".into()],
            records: vec![hostile[0].id.clone(), hostile[1].id.clone()],
        }]);
        let lines = answers::parse(path, &format!("x:1\u{1b}[2J {} n\n", hostile[1].id)).unwrap();
        let e = resolve_answers(path, &lines, &hostile, &merges, &[]).unwrap_err();
        assert!(e.message.contains("one merged record"), "{e}");
        assert!(!e.message.contains('\u{1b}'), "{e:?}");
    }

    #[test]
    fn permute_moves_in_place_and_back() {
        let mut v: Vec<char> = "abcdef".chars().collect();
        let order = [2, 0, 5, 1, 4, 3];
        permute(&mut v, &order);
        assert_eq!(v.iter().collect::<String>(), "cafbed");
        let mut back = [0; 6];
        for (p, &i) in order.iter().enumerate() {
            back[i] = p;
        }
        permute(&mut v, &back);
        assert_eq!(v.iter().collect::<String>(), "abcdef");
    }

    #[test]
    fn the_latest_answer_on_a_pair_counts_and_unknown_records_are_left_out() {
        let answer = |a: &str, b: &str, duplicate: bool| StoredAnswer {
            a: a.into(),
            b: b.into(),
            duplicate,
            reviewer: "r".into(),
            time: jiff::Timestamp::UNIX_EPOCH,
            tool: "t".into(),
        };
        let index: HashMap<&str, usize> = [("x:1", 0), ("x:2", 1), ("x:3", 2)].into();
        let got = latest_answers(
            &[
                answer("x:1", "x:2", false),
                answer("x:3", "x:9", true),
                answer("x:2", "x:1", true),
            ],
            &index,
        );
        assert_eq!(
            got,
            [Answer {
                a: 0,
                b: 1,
                duplicate: true
            }]
        );
    }
}
