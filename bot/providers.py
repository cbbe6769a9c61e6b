"""Shared, load-once providers (catalog store, embedder, indexes, search engine) for actions and the CLI.

Tests swap them with `set_engine(...)`; production loads them lazily from settings on first use.
"""

from __future__ import annotations

import threading

import faiss

from bot.demand import DemandLog
from bot.leads import LeadService, LeadStore
from bot.outbox import Outbox
from bot.quotes import QuoteService, QuoteStore
from bot.settings import Settings, get_settings
from knowledge.catalog import CatalogStore
from knowledge.embedder import load_embedder
from knowledge.errors import KnowledgeError
from knowledge.index import VectorIndex
from knowledge.lexical import LexicalIndex
from knowledge.search import SearchEngine

_lock = threading.Lock()
_engine: SearchEngine | None = None
_demand: DemandLog | None = None
_quotes: QuoteService | None = None
_leads: LeadService | None = None


def get_engine() -> SearchEngine:
    """The process-wide search engine, loaded on first call (thread-safe)."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = load_engine(get_settings())
        return _engine


def set_engine(engine: SearchEngine | None) -> None:
    """Inject an engine (tests) or reset to lazy loading (None)."""
    global _engine
    with _lock:
        _engine = engine


def get_demand_log() -> DemandLog:
    global _demand
    with _lock:
        if _demand is None:
            _demand = DemandLog(get_settings().db())
        return _demand


def set_demand_log(log: DemandLog | None) -> None:
    global _demand
    with _lock:
        _demand = log


def get_quote_service() -> QuoteService:
    """The process-wide BOM quote service (shares the engine and the demand log)."""
    global _quotes
    engine = get_engine()
    demand = get_demand_log()
    with _lock:
        if _quotes is None or _quotes.engine is not engine:
            settings = get_settings()
            _quotes = QuoteService(
                engine, QuoteStore(settings.db()), demand, settings.pricing(), public_url=settings.base_url()
            )
        return _quotes


def get_lead_service() -> LeadService:
    """The process-wide lead service: leads and the outbox in the app database, routing from settings."""
    global _leads
    with _lock:
        if _leads is None:
            settings = get_settings()
            database = settings.db()
            _leads = LeadService(
                LeadStore(database),
                Outbox(database),
                settings.routing_file,
                settings.brand_name,
                category_of=_category_of,
                public_url=settings.base_url(),
            )
        return _leads


def set_lead_service(service: LeadService | None) -> None:
    global _leads
    with _lock:
        _leads = service


def _category_of(sku: str) -> str | None:
    try:
        return get_engine().store.get(sku).category
    except KnowledgeError:
        return None


def set_quote_service(service: QuoteService | None) -> None:
    global _quotes
    with _lock:
        _quotes = service


def load_engine(settings: Settings) -> SearchEngine:
    """Open the catalog and the saved indexes; refuse indexes built for another catalog or embedder."""
    # One query cannot use a second thread, and OpenMP spinning on a busy box made single queries 25x slower.
    faiss.omp_set_num_threads(1)
    # The SQLite file, or PostgreSQL when BRANDSTATION_DATABASE_URL is set (`brandstation catalog push` fills it);
    # CatalogError (a KnowledgeError) names the command that builds a missing one.
    store = CatalogStore.open_existing(settings.catalog_url())
    embedder = load_embedder(settings.embedder)
    vectors = VectorIndex.load(
        settings.index_dir,
        model=embedder.name,
        catalog_hash=store.catalog_hash(),
        dimension=embedder.dimension,
    )
    lexical = LexicalIndex(settings.index_dir / "lexical.sqlite")
    return SearchEngine(store, embedder, vectors, lexical)
