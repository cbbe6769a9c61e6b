"""The installation's secret and what is derived from it; web chat session tokens; the message screen's rules."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.channels.rest import rest_body_problem
from bot.keys import SECRET_FILE, action_token, rasa_token, session_key
from bot.message_guard import MAX_MESSAGE_CHARS, MAX_PASTE_CHARS, screen, too_long_reply, valid_sender_id
from bot.sessions import issue_session, session_of, token_for
from bot.settings import Settings


def test_a_secret_is_generated_once_privately_and_every_key_differs(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    first = (rasa_token(settings), action_token(settings), session_key(settings))
    assert len(set(map(str, first))) == 3 and all(len(k) >= 64 for k in first)
    path = tmp_path / SECRET_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert (rasa_token(settings), action_token(settings), session_key(settings)) == first  # read back, not remade
    assert rasa_token(Settings(var_dir=tmp_path / "other")) != first[0]  # another installation, another secret


def test_a_configured_secret_wins_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, secret_key=SecretStr("s" * 40))
    assert rasa_token(settings) == rasa_token(Settings(var_dir=tmp_path / "x", secret_key=SecretStr("s" * 40)))
    assert not (tmp_path / SECRET_FILE).exists()
    assert "s" * 40 not in repr(settings)  # never printed with the settings


def test_a_short_configured_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        rasa_token(Settings(var_dir=tmp_path, secret_key=SecretStr("x")))


def test_a_truncated_secret_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_text("short\n")
    with pytest.raises(RuntimeError, match="no usable secret"):
        rasa_token(Settings(var_dir=tmp_path))


def test_session_tokens_prove_only_what_this_key_issued() -> None:
    key = b"k" * 32
    session_id, token = issue_session(key)
    assert session_of(key, token) == session_id and token_for(key, session_id) == token
    assert session_of(b"other key", token) is None
    for forged in (session_id, f"{session_id}.{'0' * 32}", "wecom:u1", token.upper(), token + "0", None, 42, ""):
        assert session_of(key, forged) is None, forged
    assert issue_session(key)[0] != session_id


@pytest.mark.parametrize(
    ("sender", "valid"),
    [("buyer-1", True), ("wecom:u1", True), ("e2e-test_x[6205 内径]", True), ("a\nb", False), ("", False),
     ("x" * 129, False), ("a\u2028b", False), (42, False)],
)  # fmt: skip
def test_conversation_ids_that_may_enter(sender: Any, valid: bool) -> None:
    assert valid_sender_id(sender) is valid


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"sender": "b1", "message": "hi"}, None),
        ({"sender": "b1", "message": "hi", "metadata": {"x": 1}}, None),
        ([1, 2], "JSON object"),
        ({"sender": "b1", "message": 123}, "'message'"),
        ({"sender": "wecom:u1", "message": "hi"}, "another channel"),
        ({"sender": "0123456789abcdef0123456789abcdef", "message": "hi"}, "another channel"),
        ({"sender": None, "message": "hi"}, "'sender'"),
        ({"sender": "b1", "message": "hi", "metadata": "x"}, "'metadata'"),
    ],
)
def test_rest_bodies(body: object, problem: str | None) -> None:
    found = rest_body_problem(body)
    assert (found is None) if problem is None else (problem in (found or ""))


class _Output:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_text_message(self, recipient_id: str, text: str, **_: Any) -> None:
        self.sent.append(text)


class _Message:
    def __init__(self, text: str, sender_id: str = "buyer-1") -> None:
        self.text, self.sender_id, self.parse_data, self.output_channel = text, sender_id, None, _Output()


def test_the_screen_answers_long_messages_and_sends_tables_past_nlu() -> None:
    short, long_zh, table = (
        _Message("6205-2RS 内径多少?"),
        _Message("轴" * (MAX_MESSAGE_CHARS + 1)),
        _Message("位号\t数量\t规格型号\nR1,R2\t2\t0603WAF1002T5E\nR9\t1\t10k\n" + "R10\t1\t10k\n" * 2_000),
    )
    assert asyncio.run(screen(short)) and short.parse_data is None and not short.output_channel.sent
    assert not asyncio.run(screen(long_zh)) and long_zh.output_channel.sent == [
        too_long_reply(MAX_MESSAGE_CHARS + 1, "zh")
    ]
    assert len(table.text) > MAX_MESSAGE_CHARS and asyncio.run(screen(table))
    assert table.parse_data["intent"]["name"] == "upload_bom" and table.parse_data["text"] == table.text
    huge_table = _Message("位号\t数量\n" + "R1\t1\n" * MAX_PASTE_CHARS)
    assert not asyncio.run(screen(huge_table)) and "BOM" in huge_table.output_channel.sent[0]
    assert not asyncio.run(screen(_Message("hi", sender_id="x\ny")))  # refused, nothing said
