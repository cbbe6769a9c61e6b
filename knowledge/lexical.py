"""Lexical retrieval: SQLite FTS5 with the trigram tokenizer, BM25-ranked.

Trigrams need no word segmentation, so the same index serves Chinese descriptions, English text and
part-number fragments. Terms shorter than three characters cannot be matched by trigrams; the
glossary expansion gives Chinese queries English words that can.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

MAX_TERMS = 8
_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/%±]*|[\u4e00-\u9fff]+")


class LexicalIndex:
    """BM25 over one text document per sku."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False)

    @classmethod
    def build(cls, path: Path, documents: Iterable[tuple[str, str]]) -> LexicalIndex:
        """Create (or replace) the index at `path` from (sku, text) pairs."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        db = sqlite3.connect(str(path))
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(sku UNINDEXED, text, tokenize='trigram')")
        db.executemany("INSERT INTO docs (sku, text) VALUES (?, ?)", documents)
        db.commit()
        db.close()
        return cls(path)

    def search(self, text: str, k: int = 50) -> list[tuple[str, float]]:
        """Top-k (sku, score) where score in (0, 1] grows with BM25 relevance."""
        terms = [t for t in dict.fromkeys(_TERM.findall(text)) if len(t) >= 3]
        # Every OR-ed term adds its whole posting list to the ranking: keep the longest (most specific) few.
        terms = sorted(terms, key=len, reverse=True)[:MAX_TERMS]
        if not terms:
            return []
        query = " OR ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(terms))
        rows = self._db.execute(
            "SELECT sku, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (query, k)
        ).fetchall()
        # bm25() is negative, more negative = better; squash to (0, 1].
        return [(sku, 1.0 - 1.0 / (1.0 + max(0.0, -score))) for sku, score in rows]

    def close(self) -> None:
        self._db.close()
