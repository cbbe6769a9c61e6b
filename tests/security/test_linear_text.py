"""Issue 14, item 4: one chat message must not freeze the bot for everyone.

Every chat message goes through our own text processing before and during NLU (the custom components of
bot/nlu/components.py: part numbers and attributes, the buyer's language, a pasted BOM table) and again in the
actions (language detection, quote revisions, spec questions, values and units, the lead form's answers).
A regex that backtracks over a run of word characters made a 100,000-character message take minutes there
(the `_ADDRESS` regex: 10k chars 0.6 s, 100k chars 43 s) while Rasa answered no one else.

Here each hostile shape, 100,000 characters long, goes through all of it: the whole must finish within
LIMIT_S, and must grow linearly (100k costs at most GROWTH × the 25k time: a quadratic spot gives 16×).
Timings are the best of RUNS, the two sizes timed in turn, with every cache emptied, so a busy CI machine does not
fail the test by accident and a cache does not hide the cost.
"""

from __future__ import annotations

import contextlib
import gc
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._common import question
from actions.leads import ValidateLeadForm, consent_answer
from bot.nlu.components import (
    BomPasteClassifier,
    LanguageTagger,
    PartEntityExtractor,
    QuoteRevisionClassifier,
    SpecQuestionClassifier,
    language_span,
)
from knowledge import entities, units
from knowledge.bom import looks_like_pasted_bom, parse_reading_correction
from knowledge.errors import KnowledgeError
from knowledge.quote import parse_revision
from knowledge.specs import detect_language, find_attributes

SIZE = 100_000
SMALL = 25_000
# A ceiling against a frozen bot (the backtracking regex of issue 14 took 43 s on 100,000 characters), not a speed
# goal: the whole pipeline reads 100,000 characters in about 1 s on a 2-core CI machine and the time varies with the
# machine's load (1.05 to 1.2 s measured in session 12 on the code that had passed the 1.0 s limit before), so the
# ceiling leaves room; the growth check below is what finds a super-linear spot.
LIMIT_S = 3.0
# Linear: 4x; quadratic: 16x. The two sizes are timed in turn (small, large, small, ...) so that a change in the
# machine's load touches both; 6.0 with the sizes timed one after the other failed twice on CI (6.1x, 6.5x) on code
# that measures 3.6x here.
GROWTH = 8.0
RUNS = 3


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# The hostile shapes of issue 14, and the ones that found a backtracking regex here, as text of length n.
SHAPES: dict[str, Callable[[int], str]] = {
    "one latin letter": lambda n: "a" * n,
    "digits": lambda n: "1" * n,
    "a@": lambda n: _repeat("a@", n),
    "dots": lambda n: "." * n,
    "dots then a letter": lambda n: "." * (n - 1) + "x",
    "chinese": lambda n: "中" * n,
    "chinese attribute words": lambda n: _repeat("内径多少", n),
    "latin and chinese alternating": lambda n: _repeat("a中", n),
    "latin then chinese": lambda n: "a" * (n // 2) + "中" * (n - n // 2),
    "spaces": lambda n: " " * n,
    "whitespace mix": lambda n: _repeat(" \t\n\r\u3000", n),
    "part numbers": lambda n: _repeat("6205-2RS ", n),
    "http://": lambda n: _repeat("http://", n),
    "@": lambda n: "@" * n,
    "letters then a dot": lambda n: "a" * (n - 1) + ".",
    "digits and commas": lambda n: _repeat("1,", n),
    "thread-like": lambda n: _repeat("M3x", n),
    "digit-dash": lambda n: _repeat("1-", n),
    "values": lambda n: _repeat("10k 0603 1% 4k7 M3x20 内径 bore ", n),
}


class _Pipeline:
    """Our own per-message text processing, in-process: the NLU components, then what the actions do."""

    def __init__(self, model_dir: Path) -> None:
        kwargs: dict[str, Any] = {
            "config": {},
            "model_storage": LocalModelStorage(model_dir),
            "resource": Resource("nlu_component"),
            "execution_context": ExecutionContext(GraphSchema({}), "test-model"),
        }
        components = (
            PartEntityExtractor,
            LanguageTagger,
            BomPasteClassifier,
            SpecQuestionClassifier,
            QuoteRevisionClassifier,
        )
        self.components = [c.create(**kwargs) for c in components]
        self.form = ValidateLeadForm()

    def __call__(self, text: str) -> None:
        message = Message.build(text=text)
        for component in self.components:
            component.process([message])
        tracker = Tracker("buyer-1", {}, {"text": text, "entities": []}, [], False, None, {}, "action_listen")
        question(tracker)
        detect_language(text)
        language_span(text)
        looks_like_pasted_bom(text)
        parse_revision(text)
        find_attributes(text)
        units.extract_quantities(text)
        units.extract_package(text)
        units.parse_thread(text)
        units.parse_bearing_designation(text)
        units.same_quantity(text, text)
        for parse in (units.parse_quantity, units.parse_range, units.canonical_unit):
            with contextlib.suppress(KnowledgeError):
                parse(text)
        consent_answer(text)
        dispatcher = CollectingDispatcher()
        for validate in (
            self.form.validate_lead_company,
            self.form.validate_lead_name,
            self.form.validate_lead_contact,
            self.form.validate_lead_region,
            self.form.validate_lead_volume,
            self.form.validate_lead_timing,
            self.form.validate_lead_consent,
        ):
            validate(text, dispatcher, tracker, {})


def _empty_caches() -> None:
    for cached in (entities._extract, entities._extract_long, entities._typo_fixed):
        cached.cache_clear()


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic collector off while timing, as timeit does: its passes depend on what else the process holds,
    not on the text, and made a linear step look superlinear on a busy machine."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _best_times(pipeline: _Pipeline, small_text: str, large_text: str) -> tuple[float, float]:
    """The best of RUNS timings of each text, timed in turn, cold caches each time; a run far over the limit needs
    no repeat."""
    best = [float("inf"), float("inf")]
    for _ in range(RUNS):
        for i, text in enumerate((small_text, large_text)):
            _empty_caches()
            with _no_gc():
                start = time.perf_counter()
                pipeline(text)
                best[i] = min(best[i], time.perf_counter() - start)
        if max(best) > 5 * LIMIT_S:
            break
    return best[0], best[1]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> _Pipeline:
    built = _Pipeline(tmp_path_factory.mktemp("model"))
    built("6205-2RS 内径多少? wang@example.com http://example.com")  # spaCy and the matchers are built once
    return built


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_hostile_message_is_processed_in_linear_time(pipeline: _Pipeline, shape: str) -> None:
    small, large = _best_times(pipeline, SHAPES[shape](SMALL), SHAPES[shape](SIZE))
    assert small < LIMIT_S, f"{shape}: {SMALL:,} chars took {small:.2f} s"
    assert large < LIMIT_S, f"{shape}: {SIZE:,} chars took {large:.2f} s (limit {LIMIT_S} s)"
    # Not quadratic: 4x the text may cost at most GROWTH x the time (a small floor absorbs timer noise).
    assert large <= GROWTH * max(small, 0.01), f"{shape}: {SMALL:,} chars {small:.3f} s, {SIZE:,} chars {large:.3f} s"


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "skip x" + " " * n + "y",
        lambda n: "不要读" + "\u3000" * n + "表",
        lambda n: "skip " + "ab " * (n // 3),
    ],
    ids=["spaces before a sheet word", "ideographic spaces", "words"],
)
def test_reading_corrections_are_linear_below_their_cap(shape: Callable[[int], str]) -> None:
    """parse_reading_correction reads clauses of up to 300 characters (QuoteRevisionClassifier runs it on every
    message): a lazy name before a sheet word made 'skip x' + spaces + 'y' cubic (165 ms at 290 characters)."""

    texts = (shape(70), shape(280))
    best = [float("inf"), float("inf")]
    for _ in range(RUNS):
        for i, text in enumerate(texts):
            with _no_gc():
                started = time.perf_counter()
                for _ in range(20):
                    parse_reading_correction(text)
                best[i] = min(best[i], time.perf_counter() - started)
    small, large = best
    assert large < 0.2, f"280 characters x 20 took {large:.3f} s"
    assert large <= GROWTH * max(small, 0.002), f"70 chars {small:.4f} s, 280 chars {large:.4f} s"


def test_the_hostile_message_that_grew_rasa_to_21_gb_needs_little_memory_here(pipeline: _Pipeline) -> None:
    """50,000 Latin letters, then 50,000 Chinese characters (Rasa grew to 21 GB on it): our own processing of it
    peaks at about 11 MiB of Python objects (measured with tracemalloc)."""
    text = SHAPES["latin then chinese"](SIZE)
    _empty_caches()
    tracemalloc.start()
    try:
        pipeline(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_long_messages_do_not_fill_the_entity_caches() -> None:
    """Distinct long messages and long words are not kept: a buyer sending many cannot grow the process."""
    _empty_caches()
    for i in range(5):
        entities.extract_entities(f"{i} " + "a" * SMALL + f" {'b' * 100} {i}")
    assert entities._extract.cache_info().currsize == 0
    assert entities._extract_long.cache_info().currsize <= 1
    assert entities._typo_fixed.cache_info().currsize == 0
