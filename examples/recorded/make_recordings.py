#!/usr/bin/env python3
"""Builds corpus/responses/ of this example from the real recorded Crossref responses in
../shared/fixtures/crossref/ (beside the repository). Run once; the output is committed.

Each recorded exchange keeps its real URL, status, headers and date; bodies are copied byte for
byte. Only `content-encoding` and `content-length` are dropped: in the fixtures they describe
the gzip bytes on the wire, not the stored (decompressed) body. Each search's `spec` is the
search as litscope reads it from queries/recorded.toml, which is how `harvest --offline`
finds the recording.
"""
import json
import pathlib
import shutil
from datetime import datetime
from email.utils import parsedate_to_datetime

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent.parent / "shared" / "fixtures" / "crossref"
OUT = HERE / "corpus" / "responses"

# (run, search number, spec as litscope builds it, fixture stems in order)
SEARCHES = [
    ("20260616T205329Z-habanero", 1,
     {"source": "crossref", "query": "widget", "field": "all", "select": "all", "rows": 20, "limit": 60},
     ["works_query-widget_cursor-star_page1", "works_query-widget_cursor-next_page2",
      "works_query-widget_cursor-next_page3"]),
    ("20260616T205329Z-habanero", 2,
     {"source": "crossref", "query": "ecology", "field": "all", "select": "all", "limit": 2},
     ["works_query-ecology_rows-2"]),
    ("20260616T205329Z-habanero", 3,
     {"source": "crossref", "query": "ecology", "field": "all", "select": "all", "limit": 20,
      "params": {"query.author": "carl boettiger"}},
     ["works_query-ecology_query-author-carl-boettiger"]),
    ("20260616T205329Z-habanero", 4,
     {"source": "crossref", "query": "", "select": "all", "limit": 20,
      "params": {"query.publisher-name": "Universidade Federal de Santa Maria"}},
     ["works_query-publisher-name_ufsm"]),
    ("20221109T131742Z-rcrossref", 5,
     {"source": "crossref", "query": "adfaaf", "field": "all", "select": "all", "limit": 20},
     ["works_query-adfaaf_zero-results_2022"]),
]


def rfc3339(date):
    """The recordings use HTTP dates (habanero) or `YYYY-MM-DD HH:MM:SS GMT` (rcrossref)."""
    try:
        parsed = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        parsed = datetime.strptime(date, "%Y-%m-%d %H:%M:%S GMT")
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    if not FIXTURES.is_dir():
        raise SystemExit(f"{FIXTURES} not found: this script needs ../shared beside the repository")
    if OUT.exists():
        shutil.rmtree(OUT)
    for run, number, spec, stems in SEARCHES:
        folder = OUT / run / f"{number:02d}-crossref-recorded"
        folder.mkdir(parents=True)
        metas = [json.loads((FIXTURES / f"{s}.meta.json").read_text()) for s in stems]
        started = rfc3339(metas[0]["recorded_at"])
        finished = rfc3339(metas[-1]["recorded_at"])
        for seq, (stem, meta) in enumerate(zip(stems, metas), start=1):
            body_name = f"{seq:06d}.body.json"
            shutil.copyfile(FIXTURES / meta["body_file"], folder / body_name)
            headers = [[k, v] for k, values in meta["response"]["headers"].items()
                       if k not in ("content-encoding", "content-length") for v in values]
            size = (folder / body_name).stat().st_size
            record = {
                "seq": seq,
                "time": rfc3339(meta["recorded_at"]),
                "elapsed_ms": 0,
                "request": {"method": meta["request"]["method"], "url": meta["request"]["uri"],
                            "headers": [["user-agent", meta["request"]["user_agent"]]]},
                "response": {"status": meta["response"]["status"], "headers": headers,
                             "body": body_name, "bytes": size},
            }
            with open(folder / "exchanges.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps(record, separators=(",", ":")) + "\n")
        info = {
            "run": run, "query_file": "queries/recorded.toml", "name": "recorded", "search": number,
            "source": "crossref", "spec": spec, "base_url": "https://api.crossref.org/",
            "started": started, "finished": finished, "complete": True,
            "provenance": "; ".join(m["source"] for m in metas)
            + " (copied from ../shared/fixtures/crossref, see PROVENANCE.md)",
        }
        (folder / "search.json").write_text(json.dumps(info, indent=2) + "\n")


if __name__ == "__main__":
    main()
