from __future__ import annotations

import numpy as np
import pytest

from cpass.classification import embeddings


def _unit(*values: float) -> np.ndarray:
    vector = np.zeros(embeddings.DIM, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_subset_keeps_the_nomenclature_and_one_jurisdiction_with_their_hubness(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(embeddings, "generic_query", lambda: _unit(1.0))
    matrix = embeddings.Matrix(
        version=1,
        jurisdictions=["", "CN", "US", ""],
        codes=["841370", "8413702000", "8413702004", "841821"],
        vectors=np.stack([_unit(1.0), _unit(0.0, 1.0), _unit(1.0, 1.0), _unit(0.0, 0.0, 1.0)]),
    )
    subset = matrix.subset("CN")
    assert subset.codes == ["841370", "8413702000", "841821"]
    assert subset.vectors.flags["C_CONTIGUOUS"]
    assert np.allclose(subset.hubness, [1.0, 0.0, 0.0])
    assert matrix.subset("CN") is subset  # kept
    assert matrix.subset("US").codes == ["841370", "8413702004", "841821"]


def test_vectors_round_trip_through_float16_bytes():
    vector = _unit(0.3, -0.2, 0.9)
    data = embeddings.to_bytes(vector)
    assert len(data) == embeddings.DIM * 2
    assert np.allclose(embeddings.from_bytes(data), vector, atol=1e-3)
