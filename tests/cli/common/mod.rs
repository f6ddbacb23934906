//! The hermetic test environment: a temporary workspace, the binary run with a cleared
//! environment (every base URL pointing at a closed local port unless a test sets one), and
//! readers for what the binary wrote.

pub mod cristin;
pub mod crossref;
pub mod nva;
pub mod prosjektbanken;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `[http]` settings that keep failure tests fast: a request that keeps failing is given up
/// after one second.
pub const FAST_HTTP: &str = r#"
[http]
timeout = "5s"
connect_timeout = "2s"
retry_for = "1s"
backoff_initial = "20ms"
backoff_max = "100ms"
rate = { prosjektbanken = "1000/1s", cristin = "1000/1s", nva = "1000/1s" }
"#;

/// The `retry_for` of [`FAST_HTTP`].
pub const RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// Asserts that `attempts` (every attempt of one request that never succeeded, as the server
/// saw them) went on for the retry budget, not for a count of attempts: more attempts than
/// the old budget of four, the last one started at least [`RETRY_FOR`] after the first.
pub fn assert_retried_for_the_budget(attempts: &[server::Request]) {
    assert!(attempts.len() > 4, "{} attempts", attempts.len());
    let span = attempts.last().unwrap().at - attempts[0].at;
    assert!(
        span >= RETRY_FOR,
        "{} attempts, the last {span:?} after the first: given up before retry_for",
        attempts.len()
    );
}

pub struct TestWorkspace {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    env: Vec<(String, String)>,
}

impl TestWorkspace {
    /// A fresh workspace made by `litscope init`, with fast HTTP settings.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("review");
        let ws = TestWorkspace {
            _dir: dir,
            root: root.clone(),
            env: Vec::new(),
        };
        let out = ws.run_in(dir_parent(&root), &["init", root.to_str().unwrap()]);
        assert!(out.status.success(), "init failed: {}", stderr(&out));
        std::fs::remove_file(root.join("queries/example.toml")).unwrap();
        let review = std::fs::read_to_string(root.join("review.toml")).unwrap();
        std::fs::write(root.join("review.toml"), format!("{review}\n{FAST_HTTP}")).unwrap();
        ws
    }

    /// Sets an environment variable for every later command.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Points Crossref at a local server.
    pub fn crossref(&mut self, url: &str) -> &mut Self {
        self.env("LITSCOPE_CROSSREF_URL", url)
    }

    /// Points Prosjektbanken at a local server.
    pub fn prosjektbanken(&mut self, url: &str) -> &mut Self {
        self.env("LITSCOPE_PROSJEKTBANKEN_URL", url)
    }

    /// Points Cristin at a local server.
    pub fn cristin(&mut self, url: &str) -> &mut Self {
        self.env("LITSCOPE_CRISTIN_URL", url)
    }

    /// Points NVA at a local server.
    pub fn nva(&mut self, url: &str) -> &mut Self {
        self.env("LITSCOPE_NVA_URL", url)
    }

    pub fn write(&self, rel: &str, content: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_litscope"));
        cmd.env_clear()
            .current_dir(&self.root)
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LITSCOPE_WORKSPACE", &self.root)
            .env("NO_COLOR", "1");
        // Nothing reaches the internet: unset sources go to a closed port.
        for var in [
            "LITSCOPE_CROSSREF_URL",
            "LITSCOPE_CRISTIN_URL",
            "LITSCOPE_NVA_URL",
            "LITSCOPE_PROSJEKTBANKEN_URL",
        ] {
            cmd.env(var, "http://127.0.0.1:9");
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.args(args);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        cmd.current_dir(dir).env_remove("LITSCOPE_WORKSPACE");
        cmd.output().unwrap()
    }

    /// Runs and expects exit 0.
    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "litscope {args:?} failed ({:?}):\n{}",
            out.status.code(),
            stderr(&out)
        );
        out
    }

    /// Runs with `--format json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> (serde_json::Value, Output) {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.run(&all);
        let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout of {all:?} is not one JSON document: {e}\n{}\n{}",
                stdout(&out),
                stderr(&out)
            )
        });
        (value, out)
    }

    /// Starts `litscope harvest`, waits until `source`'s records file holds `lines` records,
    /// and kills it with SIGKILL (as a power cut or an OOM kill would); panics if the harvest
    /// finished first.
    pub fn kill_harvest_after(&self, source: &str, lines: usize) {
        let file = self.root.join(format!("corpus/records/{source}.jsonl"));
        let mut child = self
            .command(&["harvest"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while read_jsonl_lenient(&file) < lines && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        assert!(
            !child.wait().unwrap().success(),
            "the harvest finished before it could be killed"
        );
    }

    /// Every line of corpus/records/<source>.jsonl, parsed.
    pub fn records(&self, source: &str) -> Vec<serde_json::Value> {
        read_jsonl(&self.root.join(format!("corpus/records/{source}.jsonl")))
    }

    pub fn runlog(&self) -> Vec<serde_json::Value> {
        read_jsonl(&self.root.join("corpus/runlog.jsonl"))
    }
}

fn dir_parent(p: &Path) -> &Path {
    p.parent().unwrap()
}

pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Complete lines in a file that may be being written.
pub fn read_jsonl_lenient(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A record without what differs between runs (run id, retrieval time).
pub fn content(record: &serde_json::Value) -> serde_json::Value {
    let mut r = record.clone();
    let p = r["provenance"].as_object_mut().unwrap();
    p.remove("run");
    p.remove("retrieved");
    p.remove("query");
    r
}

/// Records by id, without run-specific fields, sorted; panics on a duplicate source id.
pub fn record_set(records: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let mut seen = std::collections::HashSet::new();
    for r in records {
        let sid = r["provenance"]["source_id"].as_str().unwrap().to_string();
        assert!(seen.insert(sid.clone()), "source id {sid} stored twice");
    }
    let mut set: Vec<_> = records.iter().map(content).collect();
    set.sort_by(|a, b| {
        a["provenance"]["source_id"]
            .as_str()
            .cmp(&b["provenance"]["source_id"].as_str())
    });
    set
}

/// A Crossref search in a query file.
pub fn crossref_query(name: &str, extra: &str) -> String {
    format!(
        "name = \"{name}\"\n\n[[search]]\nsource = \"crossref\"\nquery = \"widget\"\nfield = \"all\"\nselect = \"all\"\n{extra}\n"
    )
}

/// An NVA search in a query file.
pub fn nva_query(name: &str, extra: &str) -> String {
    format!(
        "name = \"{name}\"\n\n[[search]]\nsource = \"nva\"\nquery = \"tjenestetildeling\"\n{extra}\n"
    )
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl TestWorkspace {
    /// A copy of `examples/recorded` after `harvest --offline`: 102 real Crossref records,
    /// stages `title-abstract` (reasons "off topic", "not research") and `full-text`
    /// ("full text not retrieved", "off topic"), tags "ecology", "software".
    pub fn harvested_example() -> Self {
        let mut ws = TestWorkspace::new();
        std::fs::remove_dir_all(&ws.root).unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/recorded");
        copy_dir(&example, &ws.root);
        for generated in [
            "corpus/records",
            "corpus/runlog.jsonl",
            "corpus/decisions",
            "index",
        ] {
            let p = ws.root.join(generated);
            let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
        }
        ws.env("LITSCOPE_MAILTO", "");
        ws.ok(&["harvest", "--offline"]);
        ws
    }

    /// The record ids of `corpus/records/crossref.jsonl`, in file order.
    pub fn record_ids(&self) -> Vec<String> {
        self.records("crossref")
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// Every line of `corpus/decisions/<reviewer>.jsonl`, parsed.
    pub fn decisions(&self, reviewer: &str) -> Vec<serde_json::Value> {
        read_jsonl(&self.root.join(format!("corpus/decisions/{reviewer}.jsonl")))
    }
}

/// Cuts the last `bytes` bytes of a file: what a `kill -9` in the middle of appending a line
/// leaves behind.
pub fn tear(path: &Path, bytes: usize) {
    let content = std::fs::read(path).unwrap();
    assert!(
        content.len() > bytes,
        "{} is too short to tear",
        path.display()
    );
    std::fs::write(path, &content[..content.len() - bytes]).unwrap();
}

impl TestWorkspace {
    /// A workspace whose sources name record types every which way (issue 13): MEDLINE, RIS,
    /// Web of Science, BibTeX, EndNote and Scopus CSV imports of `tests/fixtures/types/`, and
    /// Cristin and Prosjektbanken records as an earlier litscope stored them (the source's own
    /// type in `type`, no DOI).
    pub fn typed() -> Self {
        let ws = TestWorkspace::new();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/types");
        for (file, name) in [
            ("medline.nbib", "pubmed"),
            ("zotero.ris", "zotero-ris"),
            ("savedrecs.txt", "wos"),
            ("zotero.bib", "zotero-bib"),
            ("endnote.enw", "endnote"),
            ("scopus.csv", "scopus"),
        ] {
            ws.ok(&["import", dir.join(file).to_str().unwrap(), "--name", name]);
        }
        for source in ["cristin", "prosjektbanken"] {
            std::fs::copy(
                dir.join(format!("{source}.jsonl")),
                ws.root.join(format!("corpus/records/{source}.jsonl")),
            )
            .unwrap();
        }
        ws
    }
}
