#!/usr/bin/env python3
"""SQLite FTS5 baseline for `litscope search`: the same records, the same queries, the same work.

    python3 benches/fts5.py RECORDS.jsonl [benches/queries.txt] [--runs 20] [--db PATH]

RECORDS.jsonl holds one record per line with `id`, `title`, `abstract`, `authors` (names as
strings, or litscope's {"family", "given"} / {"name"} objects), `year` and optionally
`keywords` (litscope's corpus/records/*.jsonl qualify). The queries file holds one query a
line in litscope syntax (# starts a comment). Only the Python standard library is used.

What it does and times:
- Indexing: one FTS5 table (title, abstract, authors, keywords; id and year stored unindexed),
  every record inserted in one transaction, then FTS5's `optimize` (merging the segments,
  as a finished index should be). `index_seconds` counts inserting and optimising, not
  reading the JSON. The database is a file in a temporary directory (or --db PATH), with
  journal and sync off: FTS5's best case.
- Each query, `--runs` times: the number of matches (`count(*)`) and the top 20 by bm25
  (`ORDER BY rank`), each with the title highlighted (`highlight()`) and an abstract snippet
  (`snippet()`): what litscope search prints. Reported per query and over all runs: median
  and 99th percentile (nearest rank) in milliseconds.

The tokenizer is `unicode61 remove_diacritics 2`: Unicode-aware word splitting (the only
FTS5 tokenizer that handles æøå as letters), lower case, and combining diacritics removed
(é → e, å → a; ø and æ, which have no decomposition, stay). There is no Norwegian stemmer in
FTS5 (`porter` is English only and would mangle Norwegian), so FTS5 matches exact words and
prefixes: it does less work per token than litscope's analyzer, which stems and folds.

Output: one JSON document on stdout:
{"documents", "index_seconds", "queries": [{"q", "fts5", "total", "median_ms", "p99_ms"}],
 "median_ms", "p99_ms"}. No timing is asserted anywhere.

What `to_fts5` cannot translate exactly (see its docstring): stemming and folding differ as
above; `"a b"~N` becomes NEAR(a b, N), which ignores word order; NOT is binary in FTS5, so a
query or group that starts with NOT, and `x OR NOT y`, are refused; `year:` becomes an SQL
condition and is accepted only as a top-level AND clause; fields other than title,
abstract, author and keywords are refused.
"""

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time

TOKENIZER = "unicode61 remove_diacritics 2"
DEFAULT_COLUMNS = "{title abstract keywords}"
COLUMNS = {
    "title": "title",
    "abstract": "abstract",
    "author": "authors",
    "authors": "authors",
    "keywords": "keywords",
    "keyword": "keywords",
    "kw": "keywords",
}
TOP = 20

TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<year>year:(?:[\[{][^\]}]*[\]}]|[<>]=?\d+|\d+))
  | (?P<field>[^\W\d_]+):(?=[("]|[^\s()"])
  | (?P<lp>\()
  | (?P<rp>\))
  | (?P<phrase>"[^"]*"(?:~\d+)?)
  | (?P<minus>-(?=[^\s)]))
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE | re.IGNORECASE,
)


class Untranslatable(ValueError):
    """A litscope query FTS5 cannot express."""


def tokens(query):
    """The litscope query as (kind, text) pairs."""
    at = 0
    while at < len(query):
        m = TOKEN.match(query, at)
        if not m:
            raise Untranslatable(f"cannot read {query[at:]!r}")
        at = m.end()
        if m.lastgroup != "ws":
            yield m.lastgroup, m.group(m.lastgroup)


def year_condition(text):
    """SQL for `year:2015`, `year:>=2015`, `year:[2010 TO 2020]` (`{}` exclusive, `*` open)."""
    value = text[len("year:") :]
    m = re.fullmatch(r"([<>]=?)?(\d+)", value)
    if m:
        return f"year {m.group(1) or '='} {int(m.group(2))}"
    m = re.fullmatch(r"([\[{])\s*(\*|\d+)\s+TO\s+(\*|\d+)\s*([\]}])", value, re.IGNORECASE)
    if not m:
        raise Untranslatable(f"bad range {text}")
    parts = []
    if m.group(2) != "*":
        parts.append(f"year {'>=' if m.group(1) == '[' else '>'} {int(m.group(2))}")
    if m.group(3) != "*":
        parts.append(f"year {'<=' if m.group(4) == ']' else '<'} {int(m.group(3))}")
    return " AND ".join(parts) or "year IS NOT NULL"


def leaf(kind, text):
    """A word, prefix or phrase in FTS5 syntax. Quoting lets FTS5's tokenizer split what
    litscope's analyzer splits (`trust-based` becomes the phrase "trust based")."""
    if kind == "phrase":
        m = re.fullmatch(r'"([^"]*)"(?:~(\d+))?', text)
        words = m.group(1).split()
        if not words:
            raise Untranslatable("empty phrase")
        if m.group(2) and int(m.group(2)) > 0 and len(words) > 1:
            return "NEAR(" + " ".join(f'"{w}"' for w in words) + f", {m.group(2)})"
        return '"' + " ".join(words) + '"'
    if text in ("AND", "OR", "NOT", "&&", "||"):
        raise Untranslatable(f"operator {text} without operands")
    if text.endswith("*"):
        return f'"{text[:-1]}"*'
    return f'"{text}"'


def to_fts5(query):
    """(MATCH expression, SQL year condition or None) for a litscope query.

    Bare leaves search title, abstract and keywords (litscope's default fields), fielded ones
    their column. OR maps one to one; every AND, implicit or not, is written out between
    two operands (FTS5 accepts implicit AND only between phrases); FTS5's precedence is
    litscope's (NOT > AND > OR). Refused with Untranslatable: a leading NOT (FTS5's NOT is binary), OR NOT, a
    year clause anywhere but at the top level of a query with no top-level OR, and fields FTS5
    does not hold."""
    out = []  # FTS5 pieces
    years = []
    depth = 0
    group_columns = []  # per open parenthesis: True when a field filter covers it
    top_level_or = False
    pending_field = None

    def covered():
        return any(group_columns)

    def operand_before():
        return bool(out) and out[-1] not in ("AND", "OR", "NOT", "(") and not out[-1].endswith(": (")

    def operand(piece):
        # FTS5 ANDs adjacent phrases but not a parenthesis next to anything: spell it out.
        if operand_before():
            out.append("AND")
        out.append(piece)

    for kind, text in tokens(query):
        if pending_field is not None:
            column = pending_field
            pending_field = None
            if kind == "lp":
                operand(f"{column} : (")
                group_columns.append(True)
                depth += 1
            elif kind in ("word", "phrase"):
                operand(f"{column} : {leaf(kind, text)}")
            else:
                raise Untranslatable(f"no value after {column}:")
            continue
        if kind == "year":
            if depth > 0:
                raise Untranslatable("year: inside parentheses")
            years.append(year_condition(text))
            continue
        if kind == "field":
            name = text.lower()
            if name not in COLUMNS:
                raise Untranslatable(f"field {text}: is not in the FTS5 table")
            pending_field = COLUMNS[name]
        elif kind == "lp":
            operand("(")
            group_columns.append(False)
            depth += 1
        elif kind == "rp":
            if not group_columns:
                raise Untranslatable("unmatched )")
            group_columns.pop()
            depth -= 1
            out.append(")")
        elif kind == "minus" or (kind == "word" and text == "NOT"):
            if not operand_before():
                raise Untranslatable("NOT needs something before it in FTS5")
            out.append("NOT")
        elif kind == "word" and text in ("AND", "&&"):
            pass  # `operand` puts an AND between any two operands
        elif kind == "word" and text in ("OR", "||"):
            top_level_or |= depth == 0
            out.append("OR")
        else:
            piece = leaf(kind, text)
            operand(piece if covered() else f"{DEFAULT_COLUMNS} : {piece}")
    if years and top_level_or:
        raise Untranslatable("year: in a query with a top-level OR")
    if not out:
        raise Untranslatable("nothing left to MATCH")
    return " ".join(out), (" AND ".join(years) if years else None)


def author_names(authors):
    names = []
    for a in authors or []:
        if isinstance(a, str):
            names.append(a)
        elif isinstance(a, dict):
            name = a.get("name") or " ".join(p for p in (a.get("given"), a.get("family")) if p)
            if name:
                names.append(name)
    return "; ".join(names)


def read_records(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not JSON: {e}")
            keywords = r.get("keywords") or []
            rows.append(
                (
                    str(r.get("id", number)),
                    r.get("title") or "",
                    r.get("abstract") or "",
                    author_names(r.get("authors")),
                    "; ".join(keywords) if isinstance(keywords, list) else str(keywords),
                    r.get("year"),
                )
            )
    return rows


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [q.strip() for q in f if q.strip() and not q.lstrip().startswith("#")]


def build(db, rows):
    """Creates and fills the table; returns the seconds it took."""
    start = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, abstract, authors, keywords,"
        f" year UNINDEXED, tokenize = '{TOKENIZER}')"
    )
    with db:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", rows)
    with db:
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    return time.perf_counter() - start


def search(db, match, year):
    """Count, then the top 20 with title highlight and abstract snippet: litscope's work."""
    where = "docs MATCH ?" + (f" AND {year}" if year else "")
    (total,) = db.execute(f"SELECT count(*) FROM docs WHERE {where}", (match,)).fetchone()
    hits = db.execute(
        "SELECT id, year, rank, highlight(docs, 1, '[', ']'),"
        " snippet(docs, 2, '[', ']', '…', 24), authors"
        f" FROM docs WHERE {where} ORDER BY rank LIMIT {TOP}",
        (match,),
    ).fetchall()
    return total, hits


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def run(records_path, queries_path, runs, db_path=None):
    rows = read_records(records_path)
    queries = read_queries(queries_path)
    with tempfile.TemporaryDirectory() as tmp:
        path = db_path or os.path.join(tmp, "fts5.db")
        if os.path.exists(path):
            os.remove(path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        index_seconds = build(db, rows)
        report = []
        every = []
        for q in queries:
            try:
                match, year = to_fts5(q)
            except Untranslatable as e:
                sys.exit(f"{queries_path}: {q!r}: cannot be translated to FTS5: {e}")
            times = []
            total = None
            for _ in range(runs):
                start = time.perf_counter()
                total, _hits = search(db, match, year)
                times.append((time.perf_counter() - start) * 1000)
            every.extend(times)
            report.append(
                {
                    "q": q,
                    "fts5": match + (f" [SQL: {year}]" if year else ""),
                    "total": total,
                    "median_ms": round(statistics.median(times), 3),
                    "p99_ms": round(percentile(times, 99), 3),
                }
            )
        db.close()
    return {
        "documents": len(rows),
        "index_seconds": round(index_seconds, 3),
        "queries": report,
        "median_ms": round(statistics.median(every), 3) if every else None,
        "p99_ms": round(percentile(every, 99), 3) if every else None,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("records", help="JSON Lines file of records")
    parser.add_argument(
        "queries", nargs="?", default=os.path.join(here, "queries.txt"), help="one query a line"
    )
    parser.add_argument("--runs", type=int, default=20, help="runs of each query (default 20)")
    parser.add_argument("--db", help="keep the FTS5 database at this path")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(json.dumps(run(args.records, args.queries, args.runs, args.db), ensure_ascii=False))


if __name__ == "__main__":
    main()
