//! The review workspace: finding it, creating it, and reading its protocol (`review.toml`)
//! and saved search strategies (`queries/*.toml`).
//!
//! Commands find a workspace the way cargo finds `Cargo.toml`: `--workspace DIR` (or
//! `LITSCOPE_WORKSPACE`), else the current folder or its nearest parent with `review.toml`.
//! Nothing here touches the network or the corpus; the result is plain data that the
//! command layer turns into a plan.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file that marks a workspace.
pub const REVIEW_FILE: &str = "review.toml";
/// The `review.toml` written by `litscope init`.
pub const REVIEW_TEMPLATE: &str = include_str!("templates/review.toml");
/// The example query file written by `litscope init`.
pub const QUERY_TEMPLATE: &str = include_str!("templates/query.toml");

/// Everything that can go wrong finding or reading a workspace. All of these are the user's
/// to fix, so the command layer reports them as usage errors (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No `review.toml` in the folder or any parent.
    #[error(
        "not inside a litscope workspace (no {REVIEW_FILE} in {0} or any parent); run `litscope init` or pass --workspace DIR"
    )]
    NotFound(PathBuf),
    /// `--workspace DIR` points at a folder without `review.toml`.
    #[error("{0}: no {REVIEW_FILE} here; run `litscope init {0}` first")]
    NoReviewFile(PathBuf),
    /// `init` on a folder that already is a workspace.
    #[error("{0} already exists; litscope init never overwrites a workspace")]
    AlreadyExists(PathBuf),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A TOML file is malformed or has a wrong value.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the mistake (1 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl WorkspaceError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        WorkspaceError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `[review]` in `review.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewSection {
    /// Title of the review.
    #[serde(default)]
    pub title: Option<String>,
    /// Contact e-mail for Crossref's polite pool.
    #[serde(default)]
    pub mailto: Option<String>,
}

/// One `[[stage]]`.
#[derive(Debug, Clone, Deserialize)]
pub struct StageConfig {
    /// `title-abstract` or `full-text`.
    pub name: String,
    /// Exclusion reasons, numbered from 1 in this order.
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// One `[[codebook]]` group.
#[derive(Debug, Clone, Deserialize)]
pub struct CodebookGroup {
    /// Group name.
    pub group: String,
    /// Tags, numbered from 1 across all groups in file order.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `[highlight]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Highlight {
    /// Terms highlighted as signs of relevance.
    #[serde(default)]
    pub include: Vec<String>,
    /// Terms highlighted as signs of irrelevance.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[screening]`: how decisions move records on. (`reviewers_per_record` is for the
/// screening queue, a later stage; it is accepted and not yet used.)
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScreeningConfig {
    /// The title-abstract decisions that take a record on to full text (`include`,
    /// `maybe`); `None`: both.
    #[serde(default)]
    pub full_text_from: Option<Vec<crate::store::decisions::Verdict>>,
}

/// `[http]`: how harvests talk to servers. Durations are written like `"60s"` or `"250ms"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Limit for one whole request, body included.
    #[serde(with = "duration_text")]
    pub timeout: Duration,
    /// Limit for establishing a connection.
    #[serde(with = "duration_text")]
    pub connect_timeout: Duration,
    /// How long one request may keep failing (429, 5xx, timeouts, resets, cut bodies), from
    /// its first failure, before its search stops. Retries are bounded by this time, not by a
    /// count, so an unattended harvest sits out a storm of a few minutes.
    #[serde(with = "duration_text")]
    pub retry_for: Duration,
    /// No longer used (retries are bounded by [`HttpConfig::retry_for`]); accepted so that
    /// older review.toml files still load, and warned about by `harvest`.
    pub max_retries: Option<u32>,
    /// First backoff delay; doubled per retry.
    #[serde(with = "duration_text")]
    pub backoff_initial: Duration,
    /// Longest backoff delay.
    #[serde(with = "duration_text")]
    pub backoff_max: Duration,
    /// A server asking to wait longer than this stops the search instead.
    #[serde(with = "duration_text")]
    pub max_retry_after: Duration,
    /// Requests in flight per host, never above what the server announces.
    pub max_concurrency: u32,
    /// Searches run at the same time.
    pub parallel_searches: u32,
    /// Request rates per source for servers that announce none, e.g.
    /// `rate = { prosjektbanken = "1/2s" }` (requests per interval). Crossref's own
    /// announcements always win.
    #[serde(deserialize_with = "rates")]
    pub rate: BTreeMap<String, (u32, Duration)>,
}

fn rates<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, (u32, Duration)>, D::Error> {
    let raw = BTreeMap::<String, String>::deserialize(d)?;
    raw.into_iter()
        .map(|(source, text)| {
            parse_rate(&text)
                .map(|r| (source, r))
                .map_err(serde::de::Error::custom)
        })
        .collect()
}

/// Parses `"5/1s"` or `"1/2s"`: requests per interval.
pub fn parse_rate(text: &str) -> Result<(u32, Duration), String> {
    let (n, interval) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not a rate like \"5/1s\""))?;
    let n: u32 =
        n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            format!("`{text}`: the number of requests must be a positive integer")
        })?;
    let interval = parse_duration(interval)?;
    if interval.is_zero() {
        return Err(format!("`{text}`: the interval must not be zero"));
    }
    Ok((n, interval))
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry_for: Duration::from_secs(300),
            max_retries: None,
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(600),
            max_concurrency: 4,
            parallel_searches: 4,
            rate: BTreeMap::new(),
        }
    }
}

mod duration_text {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

/// A duration as review.toml writes them (`"8s"`, `"5m"`, `"1m 30s"`, `"250ms"`): whole
/// seconds from one second up, milliseconds below.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_micros().saturating_add(500) / 1000;
    let whole = |n: u128| i64::try_from(n).unwrap_or(i64::MAX);
    let shown = if ms >= 1000 {
        jiff::SignedDuration::from_secs(whole(ms.saturating_add(500) / 1000))
    } else {
        jiff::SignedDuration::from_millis(whole(ms))
    };
    format!("{shown:#}")
}

/// Parses `"60s"`, `"250ms"`, `"2m"`, `"1h 30m"` (jiff's friendly format).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration = text
        .trim()
        .parse()
        .map_err(|e| format!("`{text}` is not a duration like \"60s\" or \"250ms\": {e}"))?;
    Duration::try_from(d).map_err(|_| format!("`{text}` must not be negative"))
}

/// `review.toml`, parsed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewConfig {
    /// `[review]`.
    #[serde(default)]
    pub review: ReviewSection,
    /// `[[stage]]`, in order.
    #[serde(default, rename = "stage")]
    pub stages: Vec<StageConfig>,
    /// `[[codebook]]`, in order.
    #[serde(default)]
    pub codebook: Vec<CodebookGroup>,
    /// `[highlight]`.
    #[serde(default)]
    pub highlight: Highlight,
    /// `[http]`.
    #[serde(default)]
    pub http: HttpConfig,
    /// `[screening]`.
    #[serde(default)]
    pub screening: ScreeningConfig,
}

impl ReviewConfig {
    /// Parses `review.toml` text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, WorkspaceError> {
        toml::from_str(text).map_err(|e| toml_error(path, text, &e))
    }
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> WorkspaceError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    WorkspaceError::Invalid {
        path: path.to_path_buf(),
        line,
        message: e.message().trim().to_string(),
    }
}

/// Reads a TOML file as text: a UTF-8 byte-order mark is dropped, and bytes that are not
/// UTF-8 (a file saved as Windows-1252 or Latin-1) are an error naming the line.
fn read_toml_text(path: &Path, shown: &Path) -> Result<String, WorkspaceError> {
    let bytes = std::fs::read(path).map_err(|e| WorkspaceError::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(WorkspaceError::Invalid {
            path: shown.to_path_buf(),
            line: bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
            message: "not UTF-8 text (saved as Windows-1252 or Latin-1?); save the file as UTF-8"
                .into(),
        }),
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One `[[search]]` of a query file, before any source has interpreted it.
#[derive(Debug, Clone)]
pub struct SearchEntry {
    /// 1-based position in its file.
    pub index: usize,
    /// Line of its `[[search]]` header.
    pub line: usize,
    /// `crossref`, `cristin`, `nva` or `prosjektbanken`.
    pub source: String,
    /// The query text.
    pub query: String,
    /// Filter in the source's own syntax.
    pub filter: Option<String>,
    /// Cap on records retrieved by this search.
    pub limit: Option<u64>,
    /// Every other key, for the source to interpret (or refuse).
    pub options: BTreeMap<String, serde_json::Value>,
}

/// A saved search strategy (`queries/*.toml`).
#[derive(Debug, Clone)]
pub struct QueryFile {
    /// Path relative to the workspace root (`queries/allocation.toml`).
    pub path: PathBuf,
    /// `name`, or the file stem.
    pub name: String,
    /// Its searches in file order.
    pub searches: Vec<SearchEntry>,
    /// `[screen] filter`: the local boolean filter.
    pub screen_filter: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQueryFile {
    name: Option<String>,
    #[serde(default)]
    search: Vec<toml::Spanned<toml::Table>>,
    #[serde(default)]
    screen: Option<RawScreen>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    filter: Option<String>,
}

impl QueryFile {
    /// Parses a query file's text; `path` is how errors name it.
    pub fn parse(text: &str, path: &Path) -> Result<Self, WorkspaceError> {
        let raw: RawQueryFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        let name = raw.name.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let mut searches = Vec::with_capacity(raw.search.len());
        for (i, spanned) in raw.search.into_iter().enumerate() {
            let line = line_of(text, spanned.span().start);
            let invalid = |message: String| WorkspaceError::Invalid {
                path: path.to_path_buf(),
                line,
                message: format!("search {}: {message}", i + 1),
            };
            let mut table = spanned.into_inner();
            let source = match table.remove("source") {
                Some(toml::Value::String(s)) => s,
                Some(_) => return Err(invalid("`source` must be a string".into())),
                None => {
                    return Err(invalid(
                        "`source` is missing (crossref, cristin, nva or prosjektbanken)".into(),
                    ));
                }
            };
            let query = match table.remove("query") {
                Some(toml::Value::String(s)) => s,
                Some(_) => return Err(invalid("`query` must be a string".into())),
                None => String::new(),
            };
            let filter = match table.remove("filter") {
                Some(toml::Value::String(s)) => Some(s),
                Some(_) => return Err(invalid("`filter` must be a string".into())),
                None => None,
            };
            let limit = match table.remove("limit") {
                Some(toml::Value::Integer(n)) if n > 0 => Some(n as u64),
                Some(_) => return Err(invalid("`limit` must be a positive integer".into())),
                None => None,
            };
            let options = table
                .into_iter()
                .map(|(k, v)| {
                    let json =
                        serde_json::to_value(&v).map_err(|e| invalid(format!("`{k}`: {e}")))?;
                    Ok((k, json))
                })
                .collect::<Result<_, WorkspaceError>>()?;
            searches.push(SearchEntry {
                index: i + 1,
                line,
                source,
                query,
                filter,
                limit,
                options,
            });
        }
        Ok(QueryFile {
            path: path.to_path_buf(),
            name,
            searches,
            screen_filter: raw.screen.and_then(|s| s.filter),
        })
    }
}

/// An opened workspace: its root folder and parsed `review.toml`.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The folder holding `review.toml`.
    pub root: PathBuf,
    /// The parsed protocol.
    pub config: ReviewConfig,
}

impl Workspace {
    /// Finds the workspace: `explicit` (from `--workspace` or `LITSCOPE_WORKSPACE`) must hold
    /// `review.toml`; otherwise `cwd` or its nearest parent that does.
    pub fn find(explicit: Option<&Path>, cwd: &Path) -> Result<Self, WorkspaceError> {
        if let Some(dir) = explicit {
            let dir = if dir.is_absolute() {
                dir.to_path_buf()
            } else {
                cwd.join(dir)
            };
            if !dir.join(REVIEW_FILE).is_file() {
                return Err(WorkspaceError::NoReviewFile(dir));
            }
            return Self::open(&dir);
        }
        let mut dir = Some(cwd);
        while let Some(d) = dir {
            if d.join(REVIEW_FILE).is_file() {
                return Self::open(d);
            }
            dir = d.parent();
        }
        Err(WorkspaceError::NotFound(cwd.to_path_buf()))
    }

    /// Opens the workspace rooted at `root`.
    pub fn open(root: &Path) -> Result<Self, WorkspaceError> {
        let path = root.join(REVIEW_FILE);
        let text = read_toml_text(&path, &path)?;
        let config = ReviewConfig::parse(&text, &path)?;
        Ok(Workspace {
            root: root.to_path_buf(),
            config,
        })
    }

    /// Creates a workspace in `dir` (made if missing): `review.toml`, `queries/example.toml`,
    /// `corpus/`, `index/`. Refuses when `review.toml` already exists.
    pub fn init(dir: &Path) -> Result<Self, WorkspaceError> {
        let review = dir.join(REVIEW_FILE);
        if review.exists() {
            return Err(WorkspaceError::AlreadyExists(review));
        }
        for sub in ["queries", "corpus", "index"] {
            let d = dir.join(sub);
            std::fs::create_dir_all(&d).map_err(|e| WorkspaceError::io(&d, e))?;
        }
        let write_new = |path: PathBuf, text: &str| -> Result<(), WorkspaceError> {
            if path.exists() {
                return Ok(());
            }
            std::fs::write(&path, text).map_err(|e| WorkspaceError::io(&path, e))
        };
        // The index is derived: keep the folder in git, never its content.
        write_new(dir.join("index").join(".gitignore"), "*\n!.gitignore\n")?;
        write_new(dir.join("corpus").join(".gitignore"), ".lock\n")?;
        write_new(dir.join("queries").join("example.toml"), QUERY_TEMPLATE)?;
        std::fs::write(&review, REVIEW_TEMPLATE).map_err(|e| WorkspaceError::io(&review, e))?;
        Self::open(dir)
    }

    /// `corpus/`.
    pub fn corpus_dir(&self) -> PathBuf {
        self.root.join("corpus")
    }

    /// `queries/`.
    pub fn queries_dir(&self) -> PathBuf {
        self.root.join("queries")
    }

    /// `index/`.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Path relative to the root, for messages and logs; unchanged when outside it.
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// Reads `only` (a query file) or every `queries/*.toml`, sorted by name.
    pub fn load_queries(&self, only: Option<&Path>) -> Result<Vec<QueryFile>, WorkspaceError> {
        let paths = match only {
            Some(p) => {
                let p = if p.is_absolute() || p.exists() {
                    p.to_path_buf()
                } else {
                    self.root.join(p)
                };
                vec![p]
            }
            None => {
                let dir = self.queries_dir();
                let mut paths = Vec::new();
                if dir.is_dir() {
                    for entry in std::fs::read_dir(&dir).map_err(|e| WorkspaceError::io(&dir, e))? {
                        let path = entry.map_err(|e| WorkspaceError::io(&dir, e))?.path();
                        if path.extension().is_some_and(|x| x == "toml") {
                            paths.push(path);
                        }
                    }
                }
                paths.sort();
                paths
            }
        };
        paths
            .iter()
            .map(|path| {
                let shown = self.relative(path);
                QueryFile::parse(&read_toml_text(path, &shown)?, &shown)
            })
            .collect()
    }

    /// The Crossref contact address: `LITSCOPE_MAILTO` (passed in) or `[review] mailto`.
    pub fn mailto(&self, env: Option<String>) -> Option<String> {
        env.filter(|m| !m.trim().is_empty())
            .or_else(|| self.config.review.mailto.clone())
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_templates_parse() {
        let config = ReviewConfig::parse(REVIEW_TEMPLATE, Path::new("review.toml")).unwrap();
        assert_eq!(config.stages.len(), 2);
        assert_eq!(config.http.retry_for, Duration::from_secs(300));
        let q = QueryFile::parse(QUERY_TEMPLATE, Path::new("queries/example.toml")).unwrap();
        assert_eq!(q.name, "example");
        assert_eq!(q.searches[0].source, "crossref");
        assert_eq!(q.searches[0].limit, Some(500));
    }

    #[test]
    fn contract_example_query_file_parses() {
        let text = r#"name = "allocation-models"

[[search]]
source = "crossref"
query = "purchaser provider split home care"
filter = "from-pub-date:2000-01-01"
limit = 2000

[[search]]
source = "cristin"
query = "tjenestetildeling"

[screen]
filter = '(tildeling* OR "purchaser provider") AND (kommun* OR municipal*)'
"#;
        let q = QueryFile::parse(text, Path::new("q.toml")).unwrap();
        assert_eq!(q.searches.len(), 2);
        assert_eq!(q.searches[0].line, 3);
        assert_eq!(q.searches[1].line, 9);
        assert_eq!(q.searches[1].index, 2);
        assert!(q.screen_filter.unwrap().contains("kommun*"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "name = \"x\"\n\n[[search]]\nsource = \"crossref\"\nlimit = -3\n";
        let err = QueryFile::parse(text, Path::new("queries/x.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "queries/x.toml:3: search 1: `limit` must be a positive integer"
        );
        let err = ReviewConfig::parse("[review]\ntitle = \n", Path::new("review.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("review.toml:2: "), "{err}");
        let err = ReviewConfig::parse("[http]\ntimeout = \"soon\"\n", Path::new("review.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("review.toml:2: ") && err.contains("soon"),
            "{err}"
        );
    }

    #[test]
    fn query_files_with_a_bom_crlf_or_latin1() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(dir.path()).unwrap();
        let q = ws.queries_dir().join("nb.toml");
        std::fs::write(&q, "\u{feff}name = \"tildeling\"\r\n\r\n[[search]]\r\nsource = \"crossref\"\r\nquery = \"tillitsmodell i hjemmetjenesten: \u{e6}\u{f8}\u{e5}\"\r\n").unwrap();
        let files = ws.load_queries(Some(&q)).unwrap();
        assert_eq!(files[0].name, "tildeling");
        assert_eq!(
            files[0].searches[0].query,
            "tillitsmodell i hjemmetjenesten: æøå"
        );
        std::fs::write(&q, b"name = \"x\"\n[[search]]\nsource = \"crossref\"\nquery = \"tildeling i kommunen \xe6\xf8\xe5\"\n").unwrap();
        let err = ws.load_queries(Some(&q)).unwrap_err().to_string();
        assert!(err.ends_with("nb.toml:4: not UTF-8 text (saved as Windows-1252 or Latin-1?); save the file as UTF-8"), "{err}");
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("5/1s").unwrap(), (5, Duration::from_secs(1)));
        assert_eq!(parse_rate("1/2s").unwrap(), (1, Duration::from_secs(2)));
        assert!(
            parse_rate("0/1s").is_err() && parse_rate("5").is_err() && parse_rate("5/0s").is_err()
        );
        let c = ReviewConfig::parse(
            "[http]\nrate = { prosjektbanken = \"10/1s\" }\n",
            Path::new("review.toml"),
        )
        .unwrap();
        assert_eq!(c.http.rate["prosjektbanken"], (10, Duration::from_secs(1)));
    }

    #[test]
    fn durations_are_shown_as_they_are_written() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_micros(20_400), "20ms"),
            (Duration::from_millis(999), "999ms"),
            (Duration::from_micros(999_600), "1s"),
            (Duration::from_millis(8_400), "8s"),
            (Duration::from_millis(8_600), "9s"),
            (Duration::from_secs(90), "1m 30s"),
            (Duration::from_secs(300), "5m"),
        ];
        for (d, text) in cases {
            assert_eq!(format_duration(d), text, "{d:?}");
        }
        assert!(format_duration(Duration::MAX).ends_with('s'));
        for text in ["250ms", "8s", "1m 30s", "5m"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60s").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn init_then_find_from_a_subfolder_and_refuse_a_second_init() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("rev");
        Workspace::init(&root).unwrap();
        let sub = root.join("corpus");
        let found = Workspace::find(None, &sub).unwrap();
        assert_eq!(found.root, root);
        assert!(matches!(
            Workspace::init(&root),
            Err(WorkspaceError::AlreadyExists(_))
        ));
        assert!(matches!(
            Workspace::find(None, dir.path()),
            Err(WorkspaceError::NotFound(_))
        ));
        assert!(matches!(
            Workspace::find(Some(dir.path()), dir.path()),
            Err(WorkspaceError::NoReviewFile(_))
        ));
    }
}
