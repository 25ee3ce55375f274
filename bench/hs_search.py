"""HS search and the classification assistant: accuracy on our labelled set and on the nomenclature,
keyword search and suggestion latency with the full HS 2022 nomenclature and the US schedule loaded,
each next to its floor (the same full-text query or code-prefix SQL, raw).

    .venv/bin/python -m bench.hs_search                       # SQLite
    CPASS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cpass_bench_hs .venv/bin/python -m bench.hs_search

Needs ../shared/data (hs/harmonized-system.csv and tariffs/us_hts/); loads them through the tariff
app's importers, then the demo China tariff, then builds the index and the embeddings (5,600
passages: about 10 minutes of CPU on a 2-core machine; the whole run takes about 15 minutes).
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path
from typing import Any

from bench.micro import SHARED_DATA, Figure, django_database, latency_stats, print_figures, time_calls

EVAL_FILE = Path(__file__).parent / "data" / "classification_eval.csv"
#: Written after the trade glossary, never used to tune it: how well the glossary generalises.
HOLDOUT_FILE = Path(__file__).parent / "data" / "classification_holdout.csv"
HS_FILE = SHARED_DATA / "hs" / "harmonized-system.csv"
US_HTS_DIR = SHARED_DATA / "tariffs" / "us_hts"
NOMENCLATURE_SAMPLE = 200
ROUNDS = 5

#: Keyword searches as people type them in an HS field: words (EN/中文), partial words, code prefixes.
KEYWORD_QUERIES = [
    "pumps",
    "centrifugal pump",
    "refrigerator",
    "refrig",
    "stainless steel",
    "knives",
    "cotton t-shirt",
    "lithium battery",
    "solar panel",
    "bicycle",
    "tyres",
    "frozen shrimp",
    "green tea",
    "coffee roasted",
    "wine",
    "leather handbag",
    "footwear rubber",
    "led lamp",
    "furniture wood",
    "toys",
    "washing machine",
    "vacuum cleaner",
    "microwave",
    "hot-rolled steel coil",
    "polyethylene",
    "plastic bottles",
    "bed linen",
    "whisky",
    "cigarettes",
    "shampoo",
    "ball bearings",
    "padlock",
    "scissors",
    "cement",
    "crude oil",
    "冰箱",
    "钢铁",
    "刀具",
    "咖啡",
    "茶叶",
    "葡萄酒",
    "自行车",
    "轮胎",
    "电视机",
    "手机",
    "8413",
    "8413.60",
    "0901",
    "841821",
    "72",
    "6109 10",
    "8517.13",
]


def _require_data() -> None:
    missing = [path for path in (HS_FILE, US_HTS_DIR) if not path.exists()]
    if missing:
        raise SystemExit(f"bench.hs_search needs ../shared/data: {', '.join(map(str, missing))} not found")


def _load() -> dict[str, float]:
    from cpass.classification import services
    from cpass.imports.command import import_path
    from cpass.tariff.demo import load_demo as load_tariff_demo

    timings = {}
    load_tariff_demo()
    start = time.perf_counter()
    import_path("hs-nomenclature", HS_FILE, options={})
    for path in sorted(US_HTS_DIR.glob("*.csv")):
        import_path("us-hts", path, options={})
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    services.rebuild_search_index()
    timings["index"] = time.perf_counter() - start
    start = time.perf_counter()
    services.build_embeddings()
    timings["embeddings"] = time.perf_counter() - start
    return timings


def _actor() -> Any:
    from cpass.accounts.tests.factories import UserFactory
    from cpass.organizations.selectors import actor_for
    from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory

    enterprise = EnterpriseFactory.create(name="Bench Trading Co., Ltd.")
    user = UserFactory.create()
    MembershipFactory.create(enterprise=enterprise, user=user, role="owner")
    return actor_for(user=user, enterprise_id=enterprise.pk)


def _labelled(path: Path = EVAL_FILE) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as stream:
        return [(row["description"], row["language"], row["hs6"]) for row in csv.DictReader(stream)]


def _nomenclature_set() -> list[tuple[str, str, str]]:
    from cpass.classification.models import EntryLevel, HsSearchEntry

    rows = list(
        HsSearchEntry.objects.filter(jurisdiction="", level=EntryLevel.SUBHEADING)
        .order_by("code")
        .values_list("description_en", "code")
    )
    sample = random.Random(2022).sample(rows, min(NOMENCLATURE_SAMPLE, len(rows)))
    return [(description, "en", code) for description, code in sample]


def _accuracy(actor: Any, cases: list[tuple[str, str, str]]) -> dict[str, float]:
    from cpass.classification import selectors

    hits = {"hs6@1": 0, "hs6@5": 0, "heading@1": 0, "heading@5": 0}
    for text, _language, expected in cases:
        codes = [s.code for s in selectors.suggest(actor=actor, text=text, jurisdiction="US", limit=5)]
        hits["hs6@1"] += codes[:1] == [expected]
        hits["hs6@5"] += expected in codes
        hits["heading@1"] += [c[:4] for c in codes[:1]] == [expected[:4]]
        hits["heading@5"] += expected[:4] in {c[:4] for c in codes}
    return {key: 100.0 * value / len(cases) for key, value in hits.items()}


def _latency(name: str, ours: Any, floor: Any, queries: list[Any], target_ms: float, notes: str) -> Figure:
    for query in queries:  # warm caches and the embedding of each text
        ours(query)
        floor(query)
    ours_ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(ROUNDS):
        for query in queries:
            ours_ms += time_calls(lambda query=query: ours(query), repeat=1)
            floor_ms += time_calls(lambda query=query: floor(query), repeat=1)
    stats = latency_stats(ours_ms)
    floor_p95 = latency_stats(floor_ms)["p95"]
    return Figure(
        name=name,
        unit="ms",
        ours=stats["p95"],
        floor=floor_p95,
        ratio=stats["p95"] / floor_p95 if floor_p95 else None,
        spread=stats,
        target=f"p95 < {target_ms:g} ms",
        notes=notes,
    )


def run() -> list[Figure]:
    _require_data()
    with django_database():
        from django.db import connection

        from cpass.classification import backends, embeddings, selectors
        from cpass.classification.models import HsEmbedding, HsSearchEntry
        from cpass.classification.text import code_query, query_terms

        timings = _load()
        actor = _actor()
        entries = HsSearchEntry.objects.count()
        vectors = HsEmbedding.objects.count()
        figures = [
            Figure("index build", "s", timings["index"], None, None, notes=f"{entries} entries ({connection.vendor})"),
            Figure("embeddings build", "s", timings["embeddings"], None, None, notes=f"{vectors} passages embedded"),
        ]

        def search(q: str) -> object:
            return selectors.hs_search(actor=actor, q=q, jurisdiction="US", limit=20)

        def search_floor(q: str) -> object:
            digits = code_query(q)
            if digits is not None:
                return backends.code_prefix_ids(jurisdictions=["", "US"], digits=digits, limit=20)
            terms = query_terms(q)
            return backends.text_matches(scopes=["hs", "us"], terms=terms, prefix_last=False, limit=40)

        figures.append(
            _latency(
                "HS keyword search p95",
                search,
                search_floor,
                KEYWORD_QUERIES,
                5,
                "hs_search (validation, FTS, entries, paths) vs the raw FTS / code-prefix query alone",
            )
        )
        labelled = _labelled()

        def suggest(text: str) -> object:
            return selectors.suggest(actor=actor, text=text, jurisdiction="US", limit=5)

        def suggest_floor(text: str) -> object:
            return backends.text_matches(
                scopes=["hs", "us"], terms=query_terms(text)[:32], prefix_last=False, limit=100
            )

        figures.append(
            _latency(
                "suggestion p95",
                suggest,
                suggest_floor,
                [text for text, _l, _c in labelled[::4]],
                50,
                "suggest (FTS + e5 query embedding + matrix + confirmed + fusion) vs its raw FTS query; "
                "query embeddings cached after the warm-up, as for a repeated description",
            )
        )
        embeddings._query_cached.cache_clear()
        cold = [f"{text} (lot {n})" for n, (text, _l, _c) in enumerate(labelled[::8])]
        figures.append(
            _latency(
                "suggestion p95, new text",
                lambda t: (embeddings._query_cached.cache_clear(), suggest(t)),
                suggest_floor,
                cold,
                50,
                "every call embeds the text anew (multilingual-e5-small, 4-bit, CPU)",
            )
        )
        holdout = _labelled(HOLDOUT_FILE)
        for label, cases in (
            ("labelled EN", [c for c in labelled if c[1] == "en"]),
            ("labelled ZH", [c for c in labelled if c[1] == "zh"]),
            ("held-out EN", [c for c in holdout if c[1] == "en"]),
            ("held-out ZH", [c for c in holdout if c[1] == "zh"]),
            ("nomenclature", _nomenclature_set()),
        ):
            accuracy = _accuracy(actor, cases)
            for key, value in accuracy.items():
                figures.append(
                    Figure(f"accuracy {label} {key}", "%", value, None, None, notes=f"{len(cases)} descriptions")
                )
        return figures


if __name__ == "__main__":
    print_figures("bench.hs_search", run())
