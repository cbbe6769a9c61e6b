"""End-to-end fixtures: a real catalog subset with real indexes, and the real stack on free loopback ports.

The subset is cut from the catalog `make` ingests (var/catalog.sqlite, the shipped sources) so the
products are real; it keeps the parts the tests ask about plus a few thousand others, so indexing with
the real multilingual embedder takes seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.routing import load_routing
from bot.settings import ROOT, Settings
from bot.stack import Stack
from knowledge.catalog import CatalogStore
from knowledge.embedder import load_embedder
from knowledge.indexing import ensure_indexes
from knowledge.language import foreign_runs
from tests.e2e.receiver import Receiver

FULL_CATALOG = ROOT / "var" / "catalog.sqlite"
MODEL = ROOT / "models" / "brandstation.tar.gz"
PARTS_ASKED = (
    "6205-2RS",
    "6205-2Z",
    "6205",
    "7008CEGA/P4A",
    "NX3225GD-8MHZ-STD-CRA-3",
    "0603WAF1002T5E",
    "RC0603FR-0710KL",
    "C25804",
    "VEX407CE1UL",
    "VEX67CE1UL",
    "AO3400A",
    "1N4148WS",
    "STM32F103C8T6",
    "1N914BTR",
    "LP5907MFX-3.3/NOPB",
    "NN3032K/SPW33",
    "BTW110CTN9/SP",
)
# Standard parts asked without a length ("hex key size for an M8 socket head cap screw"): the whole family.
# A stem no part number is ("CH340"): every listing that begins with it.
FAMILIES_ASKED = ("ISO 4762 M8×%", "CH340%")
SUBSET_SIZE = 3000

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def free_port() -> int:
    """A loopback port that is free now, below Linux's ephemeral range (32768+): a port the kernel hands out
    itself can be taken by any outgoing connection before the server binds it (seen in CI: "address already in
    use"); these are not handed out, so only another test server could take one."""
    while True:
        port = _ports.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


_ports = random.Random()


RECEIVER_PORT = free_port()  # the e2e webhook receiver (leads)


@pytest.fixture(scope="session")
def e2e_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var = tmp_path_factory.mktemp("var")
    # Leads go to the e2e receiver: the shipped demo routing with its webhook URLs on the receiver's port.
    routing = (ROOT / "config" / "routing.yml").read_text(encoding="utf-8")
    (var / "routing.yml").write_text(
        routing.replace("http://127.0.0.1:9/", f"http://127.0.0.1:{RECEIVER_PORT}/"), encoding="utf-8"
    )
    settings = Settings(
        routing_file=var / "routing.yml",
        var_dir=var,
        catalog_db=var / "catalog.sqlite",
        index_dir=var / "index",
        database=var / "brandstation.sqlite",
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
    )
    build_subset(settings.catalog_db, settings.index_dir, settings.embedder)
    return settings


def build_subset(catalog_db: Path, index_dir: Path, embedder: str) -> None:
    """A real catalog subset at `catalog_db` with its faiss + lexical indexes in `index_dir`: the parts the tests ask
    about, the standard-part families asked without a length, and every 40th product of the shipped catalog (all
    families in the mix). Indexing ~3,000 products takes seconds; the whole catalog takes minutes."""
    if not FULL_CATALOG.exists():
        pytest.fail(f"{FULL_CATALOG} is missing: run `make ingest`")
    full = CatalogStore(FULL_CATALOG)
    wanted: dict[str, None] = {}
    for code in PARTS_ASKED:
        found = full.by_code(code)
        assert found, f"the shipped catalog lost {code}"
        wanted.update(dict.fromkeys(p.sku for p in found))
    for pattern in FAMILIES_ASKED:
        family = [row[0] for row in full._query("SELECT sku FROM products WHERE mpn LIKE ?", (pattern,))]
        assert family, f"the shipped catalog lost {pattern}"
        wanted.update(dict.fromkeys(family))
    # Every 40th product keeps all families (resistors, MLCCs, bearings, fasteners, ICs) in the mix.
    for i, product in enumerate(full.iter_products()):
        if i % 40 == 0 and len(wanted) < SUBSET_SIZE:
            wanted[product.sku] = None
    subset = CatalogStore(catalog_db)
    subset.create()
    subset.add(full.products(list(wanted)))
    ensure_indexes(subset, load_embedder(embedder), index_dir, progress=False)
    subset.close()
    full.close()


@pytest.fixture(scope="session")
def receiver(e2e_settings: Settings) -> Iterator[Receiver]:
    """The distributors' and brand's webhook receiver, verifying every signature with the routing file's secrets."""
    config = load_routing(e2e_settings.routing_file)
    running = Receiver(RECEIVER_PORT, lambda target: list(config.target(target).secrets))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def stack(e2e_settings: Settings) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make e2e does)")
    running = Stack(e2e_settings, MODEL, e2e_settings.var_dir / "run")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> str:
    return f"e2e-{request.node.name}"[:60]


def logs(stack: Stack) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in Path(stack.log_dir).glob("*.log")
    )


@pytest.fixture(autouse=True)
def replies_in_the_buyers_language(request: pytest.FixtureRequest) -> Iterator[None]:
    """Issue 18: after every e2e conversation, each bot message (text, button titles and a product card's answer, fact
    names and source) is in the language the conversation's `language` slot held when it was sent
    (knowledge/language.py `foreign_runs`; makers' own names are the same in both). It fails the test; with LANGUAGE_REPORT=FILE it writes one row per such reply instead,
    to measure."""
    yield
    if "stack" not in request.fixturenames or "sender" not in request.fixturenames:
        return
    settings: Settings = request.getfixturevalue("e2e_settings")
    found = foreign_replies(settings, f"e2e-{request.node.name}"[:60])  # the `sender` fixture's id
    if found:
        report = Path(os.environ.get("LANGUAGE_REPORT", "")) if os.environ.get("LANGUAGE_REPORT") else None
        if report is not None:
            with report.open("a", encoding="utf-8") as out:
                out.write("".join(f"{request.node.nodeid}\t{line}\n" for line in found))
            return
        pytest.fail("replies in another language than the conversation's:\n" + "\n".join(found))


def foreign_replies(settings: Settings, sender: str) -> list[str]:
    """Each bot message of the sender's conversations with a run of the other language, as 'lang: run in text'."""
    path = settings.var_dir / "tracker.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id LIKE ? ORDER BY id", (sender.replace("%", "") + "%",)
        ).fetchall()
    with sqlite3.connect(settings.catalog_db) as catalog:  # makers' own names are said the same in both
        makers = [m for (m,) in catalog.execute("SELECT DISTINCT manufacturer FROM products") if m]
    found: list[str] = []
    language = ""
    for (data,) in rows:
        event = json.loads(data)
        if event.get("event") == "slot" and event.get("name") == "language" and event.get("value") in ("zh", "en"):
            language = event["value"]
        elif event.get("event") == "bot" and language:
            payload = event.get("data") or {}
            said = [event.get("text") or ""] + [
                b.get("title", "") for b in payload.get("buttons") or [] if isinstance(b, dict)
            ]
            card = ((payload.get("custom") or {}).get("data") or {}).get("card") or {}
            if isinstance(card, dict):  # the product card's own sentences: its answer, fact names and source
                facts = [f[0] for f in card.get("facts") or [] if isinstance(f, list | tuple) and f]
                said += [str(card.get(k) or "") for k in ("answer", "source")] + [str(f) for f in facts]
            for text in said:
                runs = foreign_runs(text, language, makers)
                found += [f"{language}: {run!r} in {text[:140]!r}" for run in runs]
    return found
