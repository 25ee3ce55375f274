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
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.micro import ROOT, SHARED_DATA, Figure, django_database, latency_stats, print_figures, time_calls

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


#: Optional: a .npz file of stored embeddings (jurisdiction, code, text_hash, vector). When it exists,
#: its vectors are stored before build_embeddings, which then embeds only the passages that changed
#: (saves ~5-40 minutes of CPU per run; the "embeddings build" figure is then not a full build). When
#: it does not exist, the vectors built are written to it.
EMBEDDINGS_CACHE = os.environ.get("CPASS_BENCH_EMBEDDINGS", "")


def _seed_embeddings() -> int:
    import numpy as np

    from cpass.classification.models import HsEmbedding

    if not EMBEDDINGS_CACHE or not Path(EMBEDDINGS_CACHE).exists():
        return 0
    cache = np.load(EMBEDDINGS_CACHE)
    rows = [
        HsEmbedding(jurisdiction=str(jur), code=str(code), text_hash=str(text_hash), vector=vector.tobytes())
        for jur, code, text_hash, vector in zip(
            cache["jurisdiction"], cache["code"], cache["text_hash"], cache["vector"], strict=True
        )
    ]
    HsEmbedding.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _save_embeddings() -> None:
    import numpy as np

    from cpass.classification.models import HsEmbedding

    if not EMBEDDINGS_CACHE or Path(EMBEDDINGS_CACHE).exists():
        return
    rows = list(HsEmbedding.objects.order_by("pk").values_list("jurisdiction", "code", "text_hash", "vector"))
    np.savez_compressed(
        EMBEDDINGS_CACHE,
        jurisdiction=np.array([row[0] for row in rows]),
        code=np.array([row[1] for row in rows]),
        text_hash=np.array([row[2] for row in rows]),
        vector=np.frombuffer(b"".join(bytes(row[3]) for row in rows), dtype=np.float16).reshape(len(rows), -1),
    )


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
    timings["seeded"] = _seed_embeddings()
    start = time.perf_counter()
    services.build_embeddings()
    timings["embeddings"] = time.perf_counter() - start
    _save_embeddings()
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


def _keyword_accuracy(actor: Any, cases: list[tuple[str, str, str]]) -> dict[str, float]:
    """The labelled descriptions typed into the HS search field (first 200 characters): is the expected
    subheading / heading among the first hits?"""
    from cpass.classification import selectors

    hits = {"hs6@1": 0, "hs6@5": 0, "heading@1": 0, "heading@5": 0}
    for text, _language, expected in cases:
        codes = [h.code for h in selectors.hs_search(actor=actor, q=text[:200], jurisdiction="US", limit=20)]
        hits["hs6@1"] += [c[:6] for c in codes[:1]] == [expected]
        hits["hs6@5"] += expected in {c[:6] for c in codes[:5]}
        hits["heading@1"] += [c[:4] for c in codes[:1]] == [expected[:4]]
        hits["heading@5"] += expected[:4] in {c[:4] for c in codes[:5]}
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
            Figure(
                "embeddings build",
                "s",
                timings["embeddings"],
                None,
                None,
                notes=f"{vectors} passages"
                + (f", {timings['seeded']:.0f} seeded from {EMBEDDINGS_CACHE}" if timings["seeded"] else " embedded"),
            ),
        ]

        def search(q: str) -> object:
            return selectors.hs_search(actor=actor, q=q, jurisdiction="US", limit=20)

        def search_floor(q: str) -> object:
            # The full-text statements hs_search sends (all words, then any; see selectors._word_hits), raw.
            digits = code_query(q)
            if digits is not None:
                return backends.code_prefix_ids(jurisdictions=["", "US"], digits=digits, limit=20)
            terms = query_terms(q)
            prefix_last = bool(terms) and terms[-1].isascii() and len(terms[-1]) >= 3
            return selectors._word_hits(["hs", "us"], terms, prefix_last, 40)

        figures.append(
            _latency(
                "HS keyword search p95",
                search,
                search_floor,
                KEYWORD_QUERIES,
                5,
                "hs_search (validation, FTS, entries, paths) vs its raw FTS / code-prefix queries alone",
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
        english = [c for c in labelled + holdout if c[1] == "en"]
        for key, value in _keyword_accuracy(actor, english).items():
            figures.append(
                Figure(
                    f"keyword search EN descriptions {key}",
                    "%",
                    value,
                    None,
                    None,
                    notes=f"{len(english)} labelled descriptions typed into hs_search",
                )
            )
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


def _write(figures: list[Figure], load_before: tuple[float, ...]) -> None:
    """bench/results/hs_search-<database>.json: the figures and how busy the machine was."""
    import django
    from django.db import connection

    out = ROOT / "bench" / "results" / f"hs_search-{connection.vendor}.json"
    report = {
        "suite": "bench.hs_search",
        "database": connection.vendor,
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_before,
        "load_average_at_end": os.getloadavg(),
        "rounds": ROUNDS,
        "figures": [figure.as_dict() for figure in figures],
    }
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    load_before = os.getloadavg()
    results = run()
    print_figures("bench.hs_search", results)
    _write(results, load_before)
