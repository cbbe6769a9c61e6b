"""The custom NLU components on real Rasa Message objects, as the trained pipeline runs them."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import LanguageTagger, PartEntityExtractor, SpecQuestionClassifier, language_span


@pytest.fixture(scope="module")
def create_kwargs(tmp_path_factory):
    return {
        "config": {},
        "model_storage": LocalModelStorage(tmp_path_factory.mktemp("model")),
        "resource": Resource("nlu_component"),
        "execution_context": ExecutionContext(GraphSchema({}), "test-model"),
    }


def parse(text: str, create_kwargs) -> list[dict]:
    message = Message.build(text=text)
    for component in (PartEntityExtractor, LanguageTagger):
        component.create(**create_kwargs).process([message])
    return message.get("entities")


def test_spec_question_gets_part_attribute_and_language(create_kwargs):
    entities = parse("6205-2RS 内径多少?", create_kwargs)
    assert entities == [
        {
            "entity": "part_number",
            "value": "6205-2RS",
            "start": 0,
            "end": 8,
            "confidence": 1.0,
            "extractor": "PartEntityExtractor",
        },
        {
            "entity": "attribute",
            "value": "bore_diameter",
            "start": 9,
            "end": 11,
            "confidence": 1.0,
            "extractor": "PartEntityExtractor",
        },
        {"entity": "language", "value": "zh", "start": 11, "end": 13, "confidence": 1.0, "extractor": "LanguageTagger"},
    ]


def test_entities_are_added_to_those_already_there(create_kwargs):
    message = Message.build(text="what is the outer diameter of 7008CEGA/P4A?")
    message.set("entities", [{"entity": "other", "value": "x", "start": 0, "end": 4}], add_to_output=True)
    PartEntityExtractor.create(**create_kwargs).process([message])
    assert [e["entity"] for e in message.get("entities")] == ["other", "attribute", "part_number"]
    assert "entities" in message.as_dict_nlu()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("你好", "zh"),
        ("hello there", "en"),
        ("what's the 功率 of 0805W8F1002T5E", "zh"),  # any Chinese means a Chinese reply
        ("RC0603FR-0710KL 精度", "zh"),
        ("6205 bore?", "en"),
    ],
)
def test_language_follows_the_script(text, language, create_kwargs):
    found = [e["value"] for e in parse(text, create_kwargs) if e["entity"] == "language"]
    assert found == [language]


@pytest.mark.parametrize("text", ["6205-2RS", "C25804?", "", "   "])
def test_a_bare_part_number_says_nothing_about_language(text, create_kwargs):
    assert [e for e in parse(text, create_kwargs) if e["entity"] == "language"] == []


@pytest.mark.parametrize(
    "text",
    [
        "RC0603FR-0710KL 精度",
        "power rating of 0603WAF1002T5E?",
        "6205 bore",
        "那外径呢?",
        "M3x20 的 head diameter",
        "NX3225GD-8MHZ-STD-CRA-3 的频率是多少",
    ],
)
def test_language_span_is_disjoint_from_or_equal_to_other_entities(text, create_kwargs):
    # rasa test stories cannot annotate partly overlapping entities.
    entities = parse(text, create_kwargs)
    language = next(e for e in entities if e["entity"] == "language")
    for other in entities:
        if other is not language:
            same = (other["start"], other["end"]) == (language["start"], language["end"])
            apart = other["end"] <= language["start"] or language["end"] <= other["start"]
            assert same or apart, (text, other, language)


def test_language_span_prefers_free_text():
    assert language_span("6205-2RS 内径多少?") == ("zh", 11, 13)
    assert language_span("what is the bore of 6205") == ("en", 0, 4)
    assert language_span("RC0603FR-0710KL 精度") == ("zh", 16, 18)


def test_a_message_without_text_is_left_alone(create_kwargs):
    message = Message(data={"intent": {"name": "greet"}})
    PartEntityExtractor.create(**create_kwargs).process([message])
    LanguageTagger.create(**create_kwargs).process([message])
    assert message.get("entities") == []


@pytest.mark.parametrize(
    "name",
    [
        "bot.nlu.components.PartEntityExtractor",
        "bot.nlu.components.LanguageTagger",
    ],
)
def test_components_are_registered_as_untrained_entity_extractors(name):
    registered = DefaultV1Recipe._from_registry(name)
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False


@pytest.mark.parametrize(
    ("text", "guessed", "expected"),
    [
        ("709 CE/HCP4AH是什么牌子", "ask_substitute", "ask_spec"),  # the maker, not a substitute
        ("6019 stcok qty", "choose_option", "ask_spec"),  # a typo'd stock question
        ("quote 6301 x10 pls", "revise_quote", "ask_spec"),  # a price at a quantity for a named part
        ("AO3400A 多少伏", "nlu_fallback", "ask_spec"),  # a unit alone
        ("6205-2RS 缺货, 有什么可以替代?", "ask_substitute", "ask_substitute"),  # a substitute asked: kept
        ("要0603的", "choose_option", "choose_option"),  # an option typed in a selection, no part: kept
        ("hello there", "greet", "greet"),
    ],
)
def test_a_part_number_with_a_spec_term_is_a_spec_question(text, guessed, expected, create_kwargs):
    message = Message.build(text=text)
    message.set("intent", {"name": guessed, "confidence": 0.6}, add_to_output=True)
    for component in (PartEntityExtractor, LanguageTagger, SpecQuestionClassifier):
        component.create(**create_kwargs).process([message])
    assert message.get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "guessed", "expected"),
    [
        ("数量在第5列", "choose_option", "revise_quote"),  # a correction of how the BOM was read
        ("quantity is column E", "nlu_fallback", "revise_quote"),
        ("skip the first sheet", "goodbye", "revise_quote"),
        ("第3行用第二个", "choose_option", "revise_quote"),  # a pick
        ("ignore sheet metal", "search_product", "search_product"),  # words, no correction: kept
        ("不看 datasheet", "ask_spec", "ask_spec"),
        ("0402", "choose_option", "choose_option"),  # an option typed, no quote change
    ],
)
def test_quote_changes_are_revisions_and_nothing_else_is(text, guessed, expected, create_kwargs):
    from bot.nlu.components import QuoteRevisionClassifier

    message = Message.build(text=text)
    message.set("intent", {"name": guessed, "confidence": 0.6}, add_to_output=True)
    QuoteRevisionClassifier.create(**create_kwargs).process([message])
    assert message.get("intent")["name"] == expected


def test_a_message_of_unknown_words_is_not_understood(create_kwargs, tmp_path):
    """Keyboard noise and interjections ('asdf', '啊啊啊 呃呃') name no word the training examples hold: not
    understood, whatever the classifier guessed (trained on real chatter, it was confident on noise and started
    the sales form). A known word, a part number or a button payload passes; the vocabulary survives a reload."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.components import UnknownWordsGate

    storage, resource = LocalModelStorage(tmp_path), Resource("gate")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    examples = [Message.build(text=t, intent="ask_spec") for t in ("what is the bore of 6205", "内径 多少")]
    tokenizer.process_training_data(TrainingData(examples))
    gate = UnknownWordsGate.create({}, storage, resource, create_kwargs["execution_context"])
    gate.train(TrainingData(examples))
    loaded = UnknownWordsGate.load({}, storage, resource, create_kwargs["execution_context"])

    def intent(text: str) -> str:
        message = Message.build(text=text)
        message.set("intent", {"name": "request_sales", "confidence": 0.9})
        tokenizer.process([message])
        for component in (PartEntityExtractor, LanguageTagger):
            component.create(**create_kwargs).process([message])
        loaded.process([message])
        return message.get("intent")["name"]

    assert intent("asdf qwer") == "nlu_fallback"
    assert intent("啊啊啊 呃呃") == "nlu_fallback"
    assert intent("what is the price") == "request_sales"  # 'what' is a known word
    assert intent("6205-2RS zzkx") == "request_sales"  # a part number is named
    assert intent("0402") == "request_sales"  # no word with a letter: an option, a quantity
    assert intent('/choose_option{"option_value": "xqzt"}') == "request_sales"
