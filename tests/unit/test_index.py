"""faiss index: save/load round trip, manifest refusal, HNSW recall against exact search."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embedder import HashingEmbedder
from knowledge.errors import IndexMismatch
from knowledge.index import VectorIndex, build_faiss_index
from knowledge.indexing import ensure_indexes
from knowledge.models import Product
from tests.conftest import fixture_products


def _vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("threshold", [10_000, 100])  # flat, then IVF for the same 500 vectors
def test_save_load_round_trip_gives_identical_results(tmp_path, threshold):
    vectors = _vectors(500)
    skus = [f"SKU{i}" for i in range(500)]
    index = VectorIndex.build(vectors, skus, model="m", catalog_hash="h1", flat_threshold=threshold)
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, model="m", catalog_hash="h1", dimension=32)
    assert loaded.manifest == index.manifest
    assert loaded.manifest.kind == ("flat" if threshold > 500 else "ivf")
    assert loaded.search(vectors[:5], k=3) == index.search(vectors[:5], k=3)
    assert loaded.search(vectors[7], k=1)[0][0][0] == "SKU7"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("catalog_hash", {"model": "m", "catalog_hash": "other"}),
        ("model", {"model": "other-model", "catalog_hash": "h1"}),
        ("dimension", {"model": "m", "catalog_hash": "h1", "dimension": 64}),
    ],
)
def test_stale_index_is_refused(tmp_path, field, kwargs):
    VectorIndex.build(_vectors(20), [str(i) for i in range(20)], model="m", catalog_hash="h1").save(tmp_path)
    with pytest.raises(IndexMismatch) as err:
        VectorIndex.load(tmp_path, **kwargs)
    assert err.value.field == field
    assert "brandstation index" in str(err.value)


def test_missing_index_is_a_typed_error(tmp_path):
    with pytest.raises(IndexMismatch):
        VectorIndex.load(tmp_path / "nothing", model="m", catalog_hash="h")


def _clustered(n: int, dim: int, seed: int) -> np.ndarray:
    """Sentence embeddings cluster by topic; uniform noise would be an unrealistic worst case for IVF."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(size=(200, dim))
    v = (centres[rng.integers(0, 200, n)] + 0.5 * rng.normal(size=(n, dim))).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_recall_at_10_against_exact(kind):
    data = _clustered(20_000, dim=64, seed=1)
    queries = _clustered(200, dim=64, seed=2)
    _, exact = build_faiss_index(data, "flat").search(queries, 10)
    _, approx = build_faiss_index(data, kind).search(queries, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.95, f"{kind} recall@10 = {recall:.3f}"


def test_indexes_are_rebuilt_only_when_catalog_or_model_changes(store, tmp_path):
    first = ensure_indexes(store, HashingEmbedder(64), tmp_path, progress=False)
    again = ensure_indexes(store, HashingEmbedder(64), tmp_path, progress=False)
    other_model = ensure_indexes(store, HashingEmbedder(32), tmp_path, progress=False)
    assert (first.rebuilt, again.rebuilt, other_model.rebuilt) == (True, False, True)
    assert first.count == len(fixture_products()) and first.kind == "flat"
    store.add([Product(sku="NEW-1", mpn="NEW-1", manufacturer="x", category="y", name="z")])
    assert ensure_indexes(store, HashingEmbedder(32), tmp_path, progress=False).rebuilt
    assert (tmp_path / "lexical.sqlite").exists()
