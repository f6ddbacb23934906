//! `--help` of every command shows examples; bad flags are usage errors (exit 2).

use crate::common::{TestWorkspace, stderr, stdout};

#[test]
fn every_command_has_help_with_examples() {
    let ws = TestWorkspace::new();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["harvest", "--help"],
        vec!["import", "--help"],
        vec!["status", "--help"],
        vec!["decide", "--help"],
        vec!["dedup", "--help"],
        vec!["export", "--help"],
        vec!["index", "--help"],
        vec!["search", "--help"],
    ] {
        let out = ws.run(&args);
        assert!(out.status.success(), "{args:?}");
        let text = stdout(&out);
        assert!(
            text.contains("Examples:"),
            "{args:?} has no examples:\n{text}"
        );
        assert!(text.contains("litscope"), "{args:?}");
    }
    let out = ws.run(&["--version"]);
    assert!(stdout(&out).starts_with("litscope "));
}

#[test]
fn bad_flags_exit_2() {
    let ws = TestWorkspace::new();
    for args in [
        vec!["harvest", "--source", "scopus"],
        vec!["harvest", "--limit", "0"],
        vec!["frobnicate"],
        vec!["status", "--format", "xml"],
        vec!["import"],
        vec!["import", "x.ris", "--format", "xml"],
        vec!["dedup", "--review", "--answers", "a.txt"],
        vec!["dedup", "--format", "csv"],
        vec!["search"],
        vec!["search", "x", "--sort", "title"],
    ] {
        let out = ws.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

/// Issue 13: `-q` hides status lines and the summaries of what a command did; what was asked
/// for (search hits, status, an export, `--format json`) and warnings still print.
#[test]
fn quiet_hides_status_lines_and_summaries_but_not_data_or_warnings() {
    let ws = TestWorkspace::new();
    ws.write(
        "a.csv",
        "id,title\n1,Tildeling i kommunene\n2,Allocation of care\n",
    );
    let silent = |args: &[&str]| {
        let out = ws.ok(args);
        assert_eq!(
            (stdout(&out), stderr(&out)),
            (String::new(), String::new()),
            "{args:?}"
        );
    };
    silent(&["-q", "import", "a.csv"]);
    silent(&["-q", "dedup"]);
    silent(&["-q", "index"]);
    let id = stdout(&ws.ok(&["-q", "search", "tildeling", "--format", "ids"]));
    silent(&["-q", "decide", id.trim(), "include"]);
    silent(&["-q", "export", "--format", "csv", "--out", "x.csv"]);
    for args in [
        &["-q", "search", "tildeling"][..],
        &["-q", "status"],
        &["-q", "export", "--format", "ris"],
        &["-q", "dedup", "--format", "json"],
        &[
            "-q", "import", "a.csv", "--name", "again", "--format", "json",
        ],
    ] {
        assert!(!stdout(&ws.ok(args)).is_empty(), "{args:?}");
    }
    let other = stdout(&ws.ok(&["-q", "search", "care", "--format", "ids"]));
    let out = ws.ok(&[
        "-q",
        "decide",
        other.lines().next().unwrap(),
        "maybe",
        "--stage",
        "full-text",
    ]);
    assert!(stderr(&out).contains("warning:"), "{}", stderr(&out));
    let help = stdout(&ws.ok(&["--help"]));
    assert!(help.contains("summaries"), "{help}");
}

/// Small export files in the formats the import examples name, one record each, different
/// works; `scopus.ris` holds the work whose id the examples use (`5t0mhckng54j`, from its DOI).
const EXAMPLE_FILES: [(&str, &str); 9] = [
    (
        "scopus.ris",
        "TY  - JOUR\r\nTI  - Tildeling av helse- og omsorgstjenester i kommunene\r\nAU  - Hansen, Kari\r\nPY  - 2019\r\nJO  - Tidsskrift for velferdsforskning\r\nDO  - 10.1371/journal.pone.0033693\r\nAB  - Om tildeling i kommunale tjenester.\r\nER  - \r\n",
    ),
    (
        "pubmed.nbib",
        "PMID- 100001\nTI  - Purchaser-provider split in municipal home care.\nAB  - A study of allocation in home care.\nAU  - Berg O\nFAU - Berg, Ola\nDP  - 2018 Mar\nTA  - Health Policy\nJT  - Health policy\n\n",
    ),
    (
        "pubmed-result.nbib",
        "PMID- 100002\nTI  - Waiting lists for nursing homes in Norway.\nAU  - Moe T\nDP  - 2015\nJT  - Sykepleien\n\n",
    ),
    (
        "savedrecs.txt",
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Lie, B\nTI Trust-based management in home care services\nSO NORDIC WELFARE RESEARCH\nPY 2020\nUT WOS:000000000000001\nER\n\nEF\n",
    ),
    (
        "zotero.bib",
        "@article{dahl2017,\n  title = {Needs assessment and service allocation},\n  author = {Dahl, Marit},\n  journal = {Scandinavian Journal of Public Health},\n  year = {2017}\n}\n",
    ),
    (
        "export.csv",
        "id,title,authors,year,journal\ne1,Integrated allocation units in municipalities,Olsen P,2016,Health Policy\n",
    ),
    (
        "included_ta.csv",
        "id,title,year\nc1,Tildelingskontor i norske kommuner,2021\n",
    ),
    (
        "excluded_ft.csv",
        "id,title,year\nc2,Hospital discharge planning in children,2012\n",
    ),
    ("records.ris", ""),
];

/// The lines under `Examples:` in a help text (until the next blank line).
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

/// Issue 13: every example in every command's `--help` works as written in a fresh workspace
/// (`litscope init`, one small file imported), run by `sh` in order, with `litscope` and
/// `jq` on PATH and the sources on local servers. Allowed: "nothing to do" for a source the
/// fresh workspace has no search for.
#[test]
fn every_help_example_works_in_a_fresh_workspace() {
    use crate::common::server::{Reply, Server};
    let crossref = Server::start(|_| {
        Reply::json(
            200,
            crate::common::crossref::envelope(&[], Some(0), 20, None),
        )
    });
    let pb = crate::common::prosjektbanken::Prosjektbanken::default();
    let prosjektbanken = Server::start(move |r| pb.handle(r));
    let play = tempfile::tempdir().unwrap();
    let bin = play.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = play.path().join("exits.log");
    // `litscope` logs each exit code (a pipeline's status is its last command's); `jq` keeps
    // what it was given, which must be JSON.
    let script = |name: &str, body: &str| {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    script(
        "litscope",
        &format!(
            "{} \"$@\"\nrc=$?\necho \"$rc litscope $*\" >> {}\nexit $rc",
            env!("CARGO_BIN_EXE_litscope"),
            log.display()
        ),
    );
    script(
        "jq",
        &format!("cat > \"{}/jq.$$.json\"", play.path().display()),
    );
    let example_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/recorded");
    let prepare = |dir: &std::path::Path| {
        for (name, content) in EXAMPLE_FILES {
            let content = if name == "records.ris" {
                EXAMPLE_FILES[0].1
            } else {
                content
            };
            std::fs::write(dir.join(name), content).unwrap();
        }
        if !dir.join("examples/recorded").exists() {
            crate::common::copy_dir(&example_dir, &dir.join("examples/recorded"));
            for generated in [
                "corpus/records",
                "corpus/runlog.jsonl",
                "corpus/decisions",
                "index",
            ] {
                let p = dir.join("examples/recorded").join(generated);
                let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
            }
        }
    };
    let failures = std::cell::RefCell::new(Vec::new());
    let run_in = |cwd: &std::path::Path, line: &str| -> std::path::PathBuf {
        prepare(cwd);
        let after = play.path().join("cwd.txt");
        let needs_terminal = line.contains("--review");
        let shell = format!("{line}\nrc=$?\npwd > {}\nexit $rc", after.display());
        let mut cmd = if needs_terminal {
            // A pseudo-terminal (util-linux `script`) for the interactive review.
            let mut c = std::process::Command::new("script");
            c.args([
                "-qec",
                &format!("sh -c '{}'", shell.replace('\'', "'\\''")),
                "/dev/null",
            ]);
            c
        } else {
            let mut c = std::process::Command::new("sh");
            c.args(["-c", &shell]);
            c
        };
        let out = cmd
            .env_clear()
            .current_dir(cwd)
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .env("LITSCOPE_CROSSREF_URL", crossref.url())
            .env("LITSCOPE_PROSJEKTBANKEN_URL", prosjektbanken.url())
            .env("LITSCOPE_CRISTIN_URL", "http://127.0.0.1:9")
            .env("LITSCOPE_NVA_URL", "http://127.0.0.1:9")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let said = format!("{}{}", stdout(&out), stderr(&out));
        let nothing_to_do = said.contains("no searches to run for");
        if !(out.status.success() || nothing_to_do) {
            failures.borrow_mut().push(format!(
                "`{line}` failed ({:?}) in {}:\n{said}",
                out.status.code(),
                cwd.display()
            ));
        }
        std::fs::read_to_string(&after).unwrap().trim().into()
    };
    let help = |args: &[&str]| stdout(&TestWorkspace::new().ok(args));
    let mut ran = 0;
    for command in [
        "", "init", "harvest", "import", "dedup", "index", "search", "status", "decide", "export",
    ] {
        let dir = play
            .path()
            .join(if command.is_empty() { "top" } else { command });
        std::fs::create_dir_all(&dir).unwrap();
        // `init`'s and the overview's examples start from an empty folder; every other
        // command's from a fresh workspace with one small file imported.
        let mut cwd = dir.clone();
        if !["", "init"].contains(&command) {
            run_in(&dir, "litscope init . && litscope import records.ris");
        }
        let text = help(&if command.is_empty() {
            vec!["--help"]
        } else {
            vec![command, "--help"]
        });
        let lines = examples(&text);
        assert!(!lines.is_empty(), "{command}: no examples");
        for line in lines {
            cwd = run_in(&cwd, &line);
            ran += 1;
        }
    }
    let failures = failures.into_inner();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every litscope call exited 0 but for "nothing to do", and jq was given JSON.
    let exits = std::fs::read_to_string(&log).unwrap();
    for l in exits.lines() {
        assert!(
            l.starts_with("0 ") || l.contains("--source prosjektbanken"),
            "{l}"
        );
    }
    assert!(exits.lines().count() > ran, "{exits}");
    let mut fed = 0;
    for entry in std::fs::read_dir(play.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            for doc in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
                doc.unwrap_or_else(|e| panic!("jq was given no JSON: {e}\n{text}"));
            }
            fed += 1;
        }
    }
    assert_eq!(fed, 4, "the four examples piping into jq");
}
