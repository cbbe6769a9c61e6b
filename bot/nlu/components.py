"""Rasa NLU components that put knowledge/entities.py and the buyer's language into the parse.

Both are rule-based (nothing to train), so unseen part numbers work the day they enter the catalog.
Register them in config.yml as `bot.nlu.components.PartEntityExtractor` and `...LanguageTagger`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.bom import looks_like_pasted_bom, parse_reading_correction
from knowledge.entities import PART_NUMBER, Entity, extract_entities
from knowledge.quote import parse_revision
from knowledge.spec_terms import build_lexicon

LANGUAGE = "language"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# An e-mail or a web address. The local part only starts where a run of its characters starts (the
# lookbehind): tried from every character of a long run of word characters, it read the rest of the run each
# time, and a 100,000-character message took minutes. `_address_spans` keeps finditer's results exactly.
_LOCAL_CHAR = r"[\w.%+\-]"
_E_MAIL = rf"{_LOCAL_CHAR}+@[\w.\-]+\.[A-Za-z]{{2,}}"
_WEB = r"https?://\S+|www\.\S+"
_ADDRESS = re.compile(rf"{_E_MAIL}|{_WEB}")
_ADDRESS_AT_RUN = re.compile(rf"(?<!{_LOCAL_CHAR}){_E_MAIL}|{_WEB}")
_IS_LOCAL_CHAR = re.compile(_LOCAL_CHAR)


class _RuleBasedExtractor(GraphComponent, EntityExtractorMixin):
    """An entity extractor with no state and nothing to train."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component."""
        return cls()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PartEntityExtractor(_RuleBasedExtractor):
    """Adds `part_number` and `attribute` entities (value: canonical attribute key) found by spaCy rules."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Appends the entities found in each message's text to its `entities`."""
        for message in messages:
            text = message.get(TEXT) or ""
            found = [_as_rasa_entity(e.kind, e.value, e.start, e.end) for e in extract_entities(text)]
            _append(message, self.add_extractor_name(found))
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageTagger(_RuleBasedExtractor):
    """Adds a `language` entity ("zh" or "en") so the `language` slot follows the buyer every turn."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Appends one `language` entity per message that shows its language."""
        for message in messages:
            span = language_span(message.get(TEXT) or "")
            if span is not None:
                language, start, end = span
                _append(message, self.add_extractor_name([_as_rasa_entity(LANGUAGE, language, start, end)]))
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class BomPasteClassifier(_RuleBasedExtractor):
    """Classifies a message that is a pasted BOM table (a header row and item rows) as `upload_bom`.

    Runs after DIET in config.yml: a table is recognised by its shape, which no trained classifier sees
    reliably, and the action reads the rows from the message text.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of messages that read as a BOM table."""
        for message in messages:
            if looks_like_pasted_bom(message.get(TEXT) or ""):
                _override_intent(message, UPLOAD_BOM)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuoteRevisionClassifier(_RuleBasedExtractor):
    """Classifies a change to a quote as `revise_quote`: a pick ("第3行用第二个", "line 4 use the second one") or a
    correction of how the BOM was read ("数量在第5列", "quantity is column E", "skip the first sheet").

    Read by the same parsers that apply them (knowledge/quote.py, knowledge/bom.py), so what the action can do
    is what reaches it; a short "0402" or "第二个" is no such change and keeps its intent.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of messages that read as a quote revision."""
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or len(text) > 1_000 or not _revises_quote(text):
                continue
            _override_intent(message, REVISE_QUOTE)
        return messages


def _revises_quote(text: str) -> bool:
    revision = parse_revision(text)
    return (revision.line is not None and revision.choice is not None) or parse_reading_correction(text) is not None


def _override_intent(message: Message, name: str) -> None:
    """Set `name` as the message's intent with full confidence, the classifier's ranking kept below it."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


REVISE_QUOTE = "revise_quote"
UPLOAD_BOM = "upload_bom"
ASK_SPEC = "ask_spec"
# Intents a message naming a part and a spec term is taken from: the classifier saw too few such phrasings.
_SPEC_OVERRIDES = frozenset(
    {
        "search_product",
        "choose_option",
        "nlu_fallback",
        "goodbye",
        "greet",
        "thanks",
        "help",
        "affirm",
        "deny",
        "out_of_scope",
        "revise_quote",
        "upload_bom",
        "ask_substitute",
    }
)
SUBSTITUTE_TERMS = Path(__file__).resolve().parents[2] / "data" / "lookups" / "substitute_terms.yml"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SpecQuestionClassifier(_RuleBasedExtractor):
    """Classifies a message that names a part number and a spec term as `ask_spec`.

    "709 CE/HCP4AH是什么牌子", "6019 stcok qty", "quote 6301 x10 pls": the spec lexicon (knowledge/spec_terms.py,
    the same one that answers) reads an attribute, a unit or a price quantity next to a part number, where DIET
    guessed search_product, choose_option or a fallback. A message that asks for a substitute keeps its intent.
    Runs after the FallbackClassifier in config.yml.
    """

    def __init__(self) -> None:
        self._lexicon = build_lexicon()
        self._substitute_words = _substitute_words()

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of messages that read as a spec question about a named part."""
        for message in messages:
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if current not in _SPEC_OVERRIDES or not self._asks_spec(message):
                continue
            _override_intent(message, ASK_SPEC)
        return messages

    def _asks_spec(self, message: Message) -> bool:
        text = message.get(TEXT) or ""
        if text.startswith("/") or len(text) > 1_000:  # the chat's own cap (bot/message_guard.py)
            return False
        parts = [e[ENTITY_ATTRIBUTE_VALUE] for e in message.get(ENTITIES) or [] if e.get("entity") == PART_NUMBER]
        lowered = text.lower()
        if not parts or any(word in lowered for word in self._substitute_words) or _WHERE_TO_BUY.search(lowered):
            return False  # a substitute, or where to buy one: not a value of the part
        asked = self._lexicon.read(text, strip=parts)
        named = any(not m.narrowed for m in asked.matches)
        return named or asked.unit_hint is not None or bool(asked.offered)


_WHERE_TO_BUY = re.compile(
    r"哪里买|在哪里?(?:买|有|找)|哪里有|哪儿买|where (?:can|do) i (?:buy|find|get|source)|where to (?:buy|find|get)"
)


def _substitute_words() -> tuple[str, ...]:
    """The substitute terms of data/lookups/substitute_terms.yml (the words that lean to ask_substitute)."""
    try:
        data = yaml.safe_load(SUBSTITUTE_TERMS.read_text(encoding="utf-8")) or {}
    except OSError:
        return ("替代", "替换", "代替", "平替", "substitute", "alternative", "replacement", "equivalent", "instead")
    words: list[str] = []
    for table in data.get("nlu") or []:
        words += [line.strip()[2:].lower() for line in str(table.get("examples", "")).splitlines() if line.strip()]
    return tuple(w for w in words if w)


def language_span(text: str) -> tuple[str, int, int] | None:
    """("zh" | "en", start, end) of the text that shows the buyer's language, or None when nothing does.

    Any Chinese character makes it "zh"; Latin letters outside part numbers make it "en"; a bare part
    number ("6205-2RS") says nothing, so the slot keeps the language of the turn before. The span is the
    first run of that script outside other entities, else the first entity holding it, because test
    stories can only annotate an entity that is disjoint from, or identical to, the others.
    """
    entities = extract_entities(text)
    parts = _covered(e for e in entities if e.kind == PART_NUMBER)
    # An e-mail or a web address says nothing about the language either (a form answer "wang@example.com").
    parts |= {i for start, end in _address_spans(text) for i in range(start, end)}
    if _CJK.search(text):
        language, script = "zh", _CJK
    elif any(_LATIN.match(c) and i not in parts for i, c in enumerate(text)) and _reads_as_words(text, parts):
        language, script = "en", _LATIN
    else:
        return None
    taken = _covered(entities)
    start = None
    for i, char in enumerate(text):
        inside = bool(script.match(char)) and i not in taken
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            return language, start, i
    if start is not None:
        return language, start, len(text)
    holder = next((e for e in entities if script.search(e.text) and e.kind != PART_NUMBER), None)
    return (language, holder.start, holder.end) if holder else (language, 0, len(text))


def _reads_as_words(text: str, parts: set[int]) -> bool:
    """Whether the Latin letters outside part numbers read as words, not keyboard noise ('asdkjh qwe zzz' says no
    language, so the conversation keeps its own): at least half the letter runs have a vowel and no run of five
    consonants, or a single letter ('I', 'a') is all there is."""
    runs = [m for m in _LETTER_RUN.finditer(text) if m.start() not in parts]
    if not runs:
        return False
    wordlike = [
        m
        for m in runs
        if len(m.group()) == 1
        or _WORDLIKE.fullmatch(m.group().lower())
        or m.group().isupper()  # an acronym: 'RGB LED 5mm', 'TVS', 'XTAL 8MHz SMD'
        or m.group().lower() in _UNIT_WORDS
    ]
    return 2 * len(wordlike) >= len(runs)


_UNIT_WORDS = frozenset({"mm", "pcs", "pc", "mhz", "khz", "hz", "nf", "pf", "uf", "uh", "nh", "mw", "ma", "kg", "k"})


_LETTER_RUN = re.compile(r"[A-Za-z]+")
_WORDLIKE = re.compile(r"(?=.*[aeiouy])(?!.*[^aeiouy]{5})(?!.*(.)\1\1)[a-z]+")


def _address_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans `_ADDRESS.finditer(text)` gives, in linear time.

    A match of the local part that starts inside a run of its characters also matches from the start of the
    run, which is further left; so each match starts at a run's start, except right where the one before
    ended, the one place it is tried unanchored.
    """
    pos = 0
    while pos <= len(text):
        match = None
        if pos and _IS_LOCAL_CHAR.match(text, pos - 1):
            match = _ADDRESS.match(text, pos)
        match = match or _ADDRESS_AT_RUN.search(text, pos)
        if match is None:
            return
        yield match.start(), match.end()
        pos = match.end()


def _covered(entities: Iterable[Entity]) -> set[int]:
    return {i for e in entities for i in range(e.start, e.end)}


def _as_rasa_entity(kind: str, value: str, start: int, end: int) -> dict[str, Any]:
    return {
        ENTITY_ATTRIBUTE_TYPE: kind,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: start,
        ENTITY_ATTRIBUTE_END: end,
        ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
    }


def _append(message: Message, entities: list[dict[str, Any]]) -> None:
    message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsGate(GraphComponent):
    """A message none of whose words the training examples hold ('asdf', '啊啊啊 呃呃', 'qwerty uiop') and that names
    no part or attribute is not understood (nlu_fallback), whatever DIET guessed: a classifier trained on real
    chatter is confident on noise too, and noise must never start the sales form. Runs after the
    FallbackClassifier; the vocabulary is the tokens of the training examples, kept with the model."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: frozenset[str] = frozenset()):
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates an untrained gate."""
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        """Loads the vocabulary kept with the model (none: the gate lets everything through)."""
        try:
            with model_storage.read_from(resource) as folder:
                words = json.loads((Path(folder) / _VOCABULARY_FILE).read_text(encoding="utf-8"))
        except (ValueError, OSError):
            words = []
        return cls(model_storage, resource, frozenset(words))

    def train(self, training_data: TrainingData) -> Resource:
        """Keeps the words of every training example."""
        words = {w for example in training_data.training_examples for w in _words(example)}
        self._vocabulary = frozenset(words)
        with self._model_storage.write_to(self._resource) as folder:
            (Path(folder) / _VOCABULARY_FILE).write_text(json.dumps(sorted(words), ensure_ascii=False), "utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Marks a message of unknown words only as not understood."""
        for message in messages:
            text = message.get(TEXT) or ""
            named = any(e.get("entity") in (PART_NUMBER, "attribute") for e in message.get(ENTITIES) or [])
            words = _words(message)
            if self._vocabulary and words and not named and not text.startswith("/") and not words & self._vocabulary:
                _override_intent(message, "nlu_fallback")
        return messages


_VOCABULARY_FILE = "vocabulary.json"


def _words(message: Message) -> set[str]:
    """The message's tokens that hold a letter (numbers, units and punctuation say nothing about noise)."""
    return {t.text.lower() for t in message.get(TOKENS_NAMES[TEXT]) or [] if _LETTER.search(t.text)}


_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff]")
