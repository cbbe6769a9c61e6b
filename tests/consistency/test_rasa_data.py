"""domain.yml, data/ and tests/stories/ agree with each other and with knowledge/attributes.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.loading import load_data

from knowledge.attributes import VOCABULARY

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
CORE_INTENTS = ("ask_spec", "search_product", "ask_substitute")
CHITCHAT_INTENTS = ("greet", "goodbye", "thanks", "help")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def examples() -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = {}
    for message in load_data(str(ROOT / "data" / "nlu")).intent_examples:
        by_intent.setdefault(message.get("intent"), []).append(message.get("text"))
    return by_intent


def test_rasa_data_validate_passes_with_warnings_as_errors():
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    rasa = Path(sys.executable).with_name("rasa")
    result = subprocess.run(
        [str(rasa), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_every_intent_has_examples_in_both_languages(examples):
    declared = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    for intent in declared:
        zh = [t for t in examples.get(intent, []) if CJK.search(t)]
        en = [t for t in examples.get(intent, []) if not CJK.search(t)]
        least = 40 if intent in CORE_INTENTS else 20
        assert len(zh) >= least and len(en) >= least, (intent, len(zh), len(en))
    assert set(examples) <= set(declared)


def test_every_response_has_a_chinese_variant_and_an_english_default(domain):
    assert domain.responses
    for name, variants in domain.responses.items():
        conditions = [v.get("condition") for v in variants]
        zh = [c for c in conditions if c == [{"type": "slot", "name": "language", "value": "zh"}]]
        assert len(zh) == 1 and conditions.count(None) == 1, name
        texts = {str(c): v["text"] for c, v in zip(conditions, variants)}
        assert CJK.search(texts[str(zh[0])]) and not CJK.search(texts["None"]), name


def test_every_action_in_rules_and_stories_is_known(domain):
    known = set(domain.responses) | set(domain.user_actions) | set(domain.form_names) | {"action_deactivate_loop"}
    files = [*(ROOT / "data").rglob("*.yml"), *(ROOT / "tests" / "stories").rglob("*.yml")]
    used = set()
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in content.get("rules", []) + content.get("stories", []):
            used |= {step["action"] for step in block.get("steps", []) if "action" in step}
    assert used, "no rules or stories found"
    assert used <= known, used - known


def test_slots_follow_the_contract_with_the_actions(domain):
    slots = {slot.name: slot for slot in domain.slots}
    for name in ("part_number", "attribute", "language", "last_sku"):
        assert slots[name].influence_conversation is False, name
    assert [v for v in slots["language"].values if v != "__other__"] == ["zh", "en"]
    assert slots["last_sku"].mappings == [{"type": "custom"}]
    assert {"action_answer_spec", "action_search_product"} <= set(domain.user_actions)
    assert domain.session_config.carry_over_slots is True


def test_spec_term_lookup_covers_the_attribute_vocabulary():
    lookups = load_data(str(ROOT / "data" / "lookups")).lookup_tables
    terms = {e.lower() for table in lookups if table["name"] == "spec_term" for e in table["elements"]}
    wanted = {
        s.lower()
        for spec in VOCABULARY
        for s in spec.synonyms
        if (s.isascii() and len(s) >= 4) or (not s.isascii() and len(s) >= 2)
    }
    assert wanted <= terms, sorted(wanted - terms)


def test_pipeline_uses_the_rule_based_extractors_and_no_diet_entities():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert "bot.nlu.components.PartEntityExtractor" in names and "bot.nlu.components.LanguageTagger" in names
    diet = next(c for c in config["pipeline"] if c["name"] == "DIETClassifier")
    assert diet["entity_recognition"] is False
    assert config["assistant_id"] and config["recipe"] == "default.v1"
