"""bench/load.py's pure parts: the scaled setup's throw-away endpoints file, the ratios and the printed table."""

from __future__ import annotations

import pytest
import yaml

from bench.load import ENDPOINTS, lock_prefix, print_table, ratios, throwaway_endpoints

NAME = "brandstation_load_4242_0a1b2c3d"


def test_throwaway_endpoints_move_every_shared_name_and_keep_the_rest() -> None:
    shipped = yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8"))
    mine = yaml.safe_load(throwaway_endpoints(ENDPOINTS.read_text(encoding="utf-8"), NAME))

    assert mine["tracker_store"]["db"] == NAME != shipped["tracker_store"]["db"]
    assert mine["lock_store"]["key_prefix"] == "brandstationload42420a1b2c3d"
    assert mine["event_broker"]["queues"] == [NAME]
    assert mine["event_broker"]["exchange_name"] == NAME
    # everything else as shipped, ${VARS} included (Rasa fills them in from each process's environment)
    for section in ("tracker_store", "lock_store", "event_broker"):
        for key, value in shipped[section].items():
            if key not in ("db", "key_prefix", "queues"):
                assert mine[section][key] == value, (section, key)
    assert (
        mine["action_endpoint"]
        == shipped["action_endpoint"]
        == {
            "url": "${BRANDSTATION_ACTIONS_URL}",
            "headers": {"Authorization": "Bearer ${BRANDSTATION_ACTION_TOKEN}"},
        }
    )


def test_throwaway_endpoints_refuse_a_file_without_the_sections() -> None:
    with pytest.raises(RuntimeError, match="event_broker"):
        throwaway_endpoints("tracker_store: {db: x}\nlock_store: {key_prefix: y}\n", NAME)


def test_lock_prefix_is_alphanumeric() -> None:
    assert lock_prefix("brandstation_load_1_ab") == "brandstationload1ab"


def level(p50: float, p95: float, p99: float, throughput: float) -> dict[str, float | int]:
    return {"p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "throughput_turns_s": throughput, "errors": 0, "unexpected": 0}


RESULTS = {
    "bare": {"1": level(20, 40, 50, 40), "20": level(100, 200, 300, 80)},
    "full": {"1": level(30, 60, 100, 20), "20": level(150, 300, 600, 40)},
    "scaled": {"1": level(40, 80, 100, 10)},
}


def test_ratios_divide_per_level_and_skip_what_did_not_run() -> None:
    assert ratios(RESULTS, "full", "bare") == {
        "1": {"p50_ms": 1.5, "p95_ms": 1.5, "p99_ms": 2.0, "throughput_turns_s": 0.5},
        "20": {"p50_ms": 1.5, "p95_ms": 1.5, "p99_ms": 2.0, "throughput_turns_s": 0.5},
    }
    assert ratios(RESULTS, "scaled", "bare") == {
        "1": {"p50_ms": 2.0, "p95_ms": 2.0, "p99_ms": 2.0, "throughput_turns_s": 0.25}
    }
    assert ratios({"bare": RESULTS["bare"]}, "scaled", "bare") == {}


def test_ratios_leave_out_a_level_without_samples() -> None:
    empty = {"p50_ms": None, "p95_ms": None, "p99_ms": None, "throughput_turns_s": 0.0}
    assert ratios({"bare": {"1": level(1, 1, 1, 1)}, "full": {"1": empty}}, "full", "bare") == {"1": {}}


def test_table_has_a_row_per_setup_and_level_the_ratios_and_the_skip_reason(capsys: pytest.CaptureFixture[str]) -> None:
    results = {name: RESULTS[name] for name in ("bare", "full")}
    print_table(results, {"full / bare": ratios(results, "full", "bare")}, {"scaled": "Redis is not answering"})
    lines = capsys.readouterr().out.splitlines()

    rows = [line.split()[:2] for line in lines if line[:5].strip().isdigit()]
    assert rows == [["1", "bare"], ["1", "full"], ["20", "bare"], ["20", "full"]]
    assert sum("ratio full / bare: p50 1.5  p95 1.5  p99 2.0  turns/s 0.5" in line for line in lines) == 2
    assert lines[-1] == "scaled: skipped: Redis is not answering"
