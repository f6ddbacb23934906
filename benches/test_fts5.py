#!/usr/bin/env python3
"""Tests of the FTS5 baseline on a small synthetic file: `python3 benches/test_fts5.py`.

They check what each query finds (so a wrong translation fails), what is refused, and the
JSON the script prints; they never assert a time.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fts5  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

RECORDS = [
    {"id": "r1", "title": "Tildeling av helse- og omsorgstjenester i kommunen", "year": 2012,
     "abstract": "Hvordan kommunene tildeler hjemmetjenester etter vedtak.",
     "authors": [{"family": "Vabø", "given": "Mia"}]},
    {"id": "r2", "title": "The purchaser-provider split in municipal home care", "year": 2008,
     "abstract": "Trust-based management replaced the purchaser provider model.",
     "authors": ["Hansen, Ola"], "keywords": ["New Public Management"]},
    {"id": "r3", "title": "Trust and the model of care", "year": 2019,
     "abstract": "A trust based model for nursing homes; hospital admissions fell.",
     "authors": [{"name": "Helsedirektoratet"}]},
    {"id": "r4", "title": "Frame budgeting in local government", "year": 1999,
     "abstract": "Activity-based funding compared with frame budgeting.", "authors": []},
    {"id": "r5", "title": "Bestiller–utførermodellen i eldreomsorgen", "year": 2015,
     "abstract": "Om tillitsmodellen og rammebudsjettering.",
     "authors": [{"family": "Øvretveit", "given": "John"}]},
]


class Translation(unittest.TestCase):
    def test_leaves_fields_and_operators(self):
        cases = [
            ("tildel*", '{title abstract keywords} : "tildel"*'),
            ("a b", '{title abstract keywords} : "a" AND {title abstract keywords} : "b"'),
            ("a (b)", '{title abstract keywords} : "a" AND ( {title abstract keywords} : "b" )'),
            ("title:(a) b", 'title : ( "a" ) AND {title abstract keywords} : "b"'),
            ("a OR b", '{title abstract keywords} : "a" OR {title abstract keywords} : "b"'),
            ("a && b", '{title abstract keywords} : "a" AND {title abstract keywords} : "b"'),
            ("a NOT b", '{title abstract keywords} : "a" NOT {title abstract keywords} : "b"'),
            ("a AND NOT b", '{title abstract keywords} : "a" NOT {title abstract keywords} : "b"'),
            ("a -b", '{title abstract keywords} : "a" NOT {title abstract keywords} : "b"'),
            ('"trust model"~3', '{title abstract keywords} : NEAR("trust" "model", 3)'),
            ('"trust model"~0', '{title abstract keywords} : "trust model"'),
            ("title:(a OR b*)", 'title : ( "a" OR "b"* )'),
            ('author:"Vabø"', 'authors : "Vabø"'),
            ("kw:npm", 'keywords : "npm"'),
        ]
        for query, expected in cases:
            self.assertEqual(fts5.to_fts5(query), (expected, None), query)

    def test_years_become_sql(self):
        cases = [
            ("a year:2015", "year = 2015"),
            ("a year:>=2015", "year >= 2015"),
            ("a year:<2020", "year < 2020"),
            ("a year:[2010 TO 2020]", "year >= 2010 AND year <= 2020"),
            ("a AND year:{2010 TO *]", "year > 2010"),
            ("year:[* TO 2020} a", "year < 2020"),
            ("year:2015 AND a", "year = 2015"),
            ("a AND year:2015", "year = 2015"),
        ]
        for query, sql in cases:
            self.assertEqual(fts5.to_fts5(query), ('{title abstract keywords} : "a"', sql), query)

    def test_what_fts5_cannot_say_is_refused(self):
        for query in ["NOT a", "-a", "a OR NOT b", "(NOT a) b", "a OR b year:2015",
                      "(a year:2015)", "tag:x", "decision:include", "doi:10.1/x", "year:2015"]:
            with self.assertRaises(fts5.Untranslatable, msg=query):
                fts5.to_fts5(query)

    def test_every_benchmark_query_runs_in_fts5(self):
        import sqlite3
        db = sqlite3.connect(":memory:")
        fts5.build(db, [])
        queries = fts5.read_queries(os.path.join(HERE, "queries.txt"))
        self.assertEqual(len(queries), 20)
        for q in queries:
            match, year = fts5.to_fts5(q)
            self.assertEqual(fts5.search(db, match, year), (0, []), q)


class Search(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.records = os.path.join(cls.tmp.name, "records.jsonl")
        with open(cls.records, "w", encoding="utf-8") as f:
            for r in RECORDS:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        import sqlite3
        cls.db = sqlite3.connect(":memory:")
        fts5.build(cls.db, fts5.read_records(cls.records))

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        cls.tmp.cleanup()

    def found(self, query):
        match, year = fts5.to_fts5(query)
        total, hits = fts5.search(self.db, match, year)
        ids = sorted(h[0] for h in hits)
        self.assertEqual(total, len(ids), query)
        return ids

    def test_queries_find_the_records_meant(self):
        cases = [
            ("tildel*", ["r1"]),
            ("kommun*", ["r1"]),
            ('"purchaser provider"', ["r2"]),
            ('"purchaser-provider"', ["r2"]),
            ('"trust-based"', ["r2", "r3"]),
            ('"trust model"~3', ["r3"]),
            ('"trust model"', []),
            ("trust -hospital", ["r2"]),
            ("trust NOT hospital", ["r2"]),
            ("title:trust", ["r3"]),
            ("title:(frame OR tildeling)", ["r1", "r4"]),
            ("(trust OR frame) (hospital OR activity-based)", ["r3", "r4"]),
            ("title:(trust OR frame) care", ["r3"]),
            ('author:Vabø', ["r1"]),
            ('"new public management"', ["r2"]),
            ("tillitsmodell*", ["r5"]),
            ('"bestiller–utførermodellen"', ["r5"]),
            ("care year:[2000 TO 2010]", ["r2"]),
            ("care year:>2008", ["r3"]),
            ('("frame budgeting" OR "activity-based funding") year:<2000', ["r4"]),
        ]
        for query, ids in cases:
            self.assertEqual(self.found(query), ids, query)

    def test_bare_terms_skip_authors(self):
        self.assertEqual(self.found("Hansen"), [])
        self.assertEqual(self.found("author:Hansen"), ["r2"])

    def test_hits_carry_highlight_and_snippet_in_rank_order(self):
        match, year = fts5.to_fts5("trust*")
        _, hits = fts5.search(self.db, match, year)
        titles = [h[3] for h in hits]
        self.assertIn("[Trust] and the model of care", titles)
        ranks = [h[2] for h in hits]
        self.assertEqual(ranks, sorted(ranks))
        self.assertTrue(all("[" in h[4] for h in hits))


class Script(unittest.TestCase):
    def test_prints_one_json_document(self):
        with tempfile.TemporaryDirectory() as tmp:
            records = os.path.join(tmp, "records.jsonl")
            with open(records, "w", encoding="utf-8") as f:
                for r in RECORDS:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            queries = os.path.join(tmp, "queries.txt")
            with open(queries, "w", encoding="utf-8") as f:
                f.write("# a comment\ntrust*\n\n\"frame budgeting\"\n")
            out = subprocess.run(
                [sys.executable, os.path.join(HERE, "fts5.py"), records, queries, "--runs", "3"],
                capture_output=True, text=True, check=True,
            ).stdout
        report = json.loads(out)
        self.assertEqual(
            sorted(report), ["documents", "index_seconds", "median_ms", "p99_ms", "queries"]
        )
        self.assertEqual(report["documents"], 5)
        self.assertEqual([q["q"] for q in report["queries"]], ["trust*", '"frame budgeting"'])
        self.assertEqual([q["total"] for q in report["queries"]], [2, 1])
        for q in report["queries"]:
            self.assertEqual(sorted(q), ["fts5", "median_ms", "p99_ms", "q", "total"])
            self.assertLessEqual(q["median_ms"], q["p99_ms"])

    def test_bad_json_names_file_and_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            records = os.path.join(tmp, "records.jsonl")
            with open(records, "w", encoding="utf-8") as f:
                f.write('{"id": "a"}\n{oops\n')
            run = subprocess.run(
                [sys.executable, os.path.join(HERE, "fts5.py"), records],
                capture_output=True, text=True,
            )
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("records.jsonl:2: not JSON", run.stderr)

    def test_percentile_is_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(fts5.percentile(values, 99), 99)
        self.assertEqual(fts5.percentile(values, 50), 50)
        self.assertEqual(fts5.percentile([7.0], 99), 7.0)


if __name__ == "__main__":
    unittest.main()
