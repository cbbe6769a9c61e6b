"""Build the dense and lexical indexes of a catalog; skip the work when the saved ones are current."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge.catalog import CatalogStore
from knowledge.embedder import Embedder
from knowledge.errors import IndexMismatch
from knowledge.index import FLAT_THRESHOLD, VectorIndex, check_manifest, index_kind
from knowledge.lexical import LexicalIndex
from knowledge.models import Product
from knowledge.specs import key_facts
from knowledge.units import format_quantity

LEXICAL_FILE = "lexical.sqlite"


@dataclass(frozen=True)
class IndexReport:
    count: int
    kind: str
    seconds: float
    rebuilt: bool


def ensure_indexes(
    store: CatalogStore,
    embedder: Embedder,
    directory: Path,
    *,
    force: bool = False,
    progress: bool = True,
    flat_threshold: int = FLAT_THRESHOLD,
) -> IndexReport:
    """Build vectors + lexical index into `directory` unless a current one (same catalog and model) is there."""
    start = time.perf_counter()
    catalog_hash = store.catalog_hash()
    if not force:
        try:
            current = check_manifest(
                directory, model=embedder.name, catalog_hash=catalog_hash, dimension=embedder.dimension
            )
            files_there = (directory / LEXICAL_FILE).exists() and (directory / "index.faiss").exists()
            if files_there and current.kind == index_kind(current.count, flat_threshold):
                return IndexReport(current.count, current.kind, time.perf_counter() - start, False)
        except IndexMismatch:
            pass
    (directory / "manifest.json").unlink(missing_ok=True)  # a rebuild cut short must never look current
    skus: list[str] = []
    texts: list[str] = []
    documents: list[str] = []
    for product in store.iter_products():
        skus.append(product.sku)
        texts.append(dense_text(product))
        documents.append(document_text(product))
    LexicalIndex.build(directory / LEXICAL_FILE, zip(skus, documents)).close()
    del documents
    batch = 1024
    parts = []
    with tqdm(total=len(texts), desc=f"embedding ({embedder.name})", unit=" products", disable=not progress) as bar:
        for i in range(0, len(texts), batch):
            parts.append(embedder.encode(texts[i : i + batch]))
            bar.update(len(parts[-1]))
    vectors = np.vstack(parts) if parts else np.zeros((0, embedder.dimension), dtype=np.float32)
    index = VectorIndex.build(
        vectors, skus, model=embedder.name, catalog_hash=catalog_hash, flat_threshold=flat_threshold
    )
    index.save(directory)
    return IndexReport(len(skus), index.manifest.kind, time.perf_counter() - start, True)


def dense_text(product: Product) -> str:
    """The short text a product is embedded by: its title and category (embedding cost grows with length)."""
    return f"{product.name} | {product.category}"[:200]


def document_text(product: Product) -> str:
    """The text a product is retrieved by: names, codes, category, package and key facts with units."""
    facts = " ".join(
        f"{a.name.replace('_', ' ')} {format_quantity(a.value, a.unit) if a.value is not None else a.raw}"
        for a in key_facts(product)
    )
    parts = [
        product.mpn,
        product.name,
        product.manufacturer,
        product.category,
        product.package,
        facts,
        product.description,
        " ".join(product.aliases),
    ]
    return " | ".join(p for p in parts if p)
