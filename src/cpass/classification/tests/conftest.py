from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from cpass.classification import embeddings, services
from cpass.classification.tests.factories import load_nomenclature
from cpass.core.actor import Actor

_real_embed_passages = embeddings.embed_passages
_passage_vectors: dict[str, npt.NDArray[np.float32]] = {}


def _memo_embed_passages(texts: list[str]) -> npt.NDArray[np.float32]:
    """The real model, each distinct passage embedded once per test session (the fixtures embed the
    same few texts in every test; the model is deterministic)."""
    missing = [text for text in dict.fromkeys(texts) if text not in _passage_vectors]
    if missing:
        _passage_vectors.update(zip(missing, _real_embed_passages(missing), strict=True))
    if not texts:
        return _real_embed_passages([])
    return np.stack([_passage_vectors[text] for text in texts])


@pytest.fixture(autouse=True)
def _embedding_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "embed_passages", _memo_embed_passages)


@pytest.fixture
def nomenclature(db: None) -> None:
    """A slice of HS 2022 with CN and US lines, indexed and embedded."""
    load_nomenclature()
    services.rebuild_search_index()
    services.build_embeddings()


@pytest.fixture
def actor(owner, enterprise, make_actor) -> Actor:  # type: ignore[no-untyped-def]
    return make_actor(owner, enterprise)  # type: ignore[no-any-return]
