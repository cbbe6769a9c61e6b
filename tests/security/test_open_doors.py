"""The attacks of issue 14, items 1-4 and 8, against the real servers (the e2e stack on loopback ports).

Each test is the attack as an attacker on the same machine would make it; it failed before the defence it checks
(docs/security.md lists them with what each refuses).
"""

from __future__ import annotations

import json
import socket
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import requests

from bot.keys import action_token, rasa_token
from bot.message_guard import MAX_MESSAGE_CHARS
from bot.stack import Stack
from tests.e2e.conftest import logs
from tests.e2e.test_spec_turns import ask
from tests.e2e.webchat import WebChat, quote_in, texts

BOM = (
    "Designator,Qty,Manufacturer Part,Value,Footprint\nR1,1,0603WAF1002T5E,10k,R0603\nR2,1,RC0603FR-0710KL,10k,R0603\n"
)


def leads_of(stack: Stack, sender: str) -> int:
    db = Path(stack.settings.database)
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM leads WHERE sender_id = ?", (sender,)).fetchone()[0])
        except sqlite3.OperationalError:  # no lead was ever stored: no table yet
            return 0


def tracker_events(stack: Stack, sender: str) -> list[dict]:
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": rasa_token(stack.settings), "include_events": "ALL"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["events"])


# --- 1. Rasa's HTTP API needs the token; CORS only for the web chat's origin -----------------------------------


def test_forged_consent_through_rasas_api_is_refused(stack: Stack) -> None:
    sender = f"attack-{uuid.uuid4().hex[:8]}"
    consent = [{"event": "slot", "name": "lead_consent", "value": True}]
    forged = requests.post(f"{stack.rasa_url}/conversations/{sender}/tracker/events", json=consent, timeout=30)
    execute = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/execute", json={"name": "action_submit_lead"}, timeout=30
    )
    assert (forged.status_code, execute.status_code) == (401, 401), (forged.text, execute.text)
    assert leads_of(stack, sender) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/someone/tracker"),
        ("GET", "/conversations/someone/story"),
        ("PUT", "/model"),
        ("POST", "/model/parse"),
        ("GET", "/status"),
        ("GET", "/domain"),
    ],
)
def test_rasas_api_answers_only_with_the_token(stack: Stack, method: str, path: str) -> None:
    refused = requests.request(method, stack.rasa_url + path, json={}, timeout=30)
    assert refused.status_code == 401, refused.text
    wrong = requests.request(method, stack.rasa_url + path, params={"token": "x" * 64}, json={}, timeout=30)
    assert wrong.status_code == 401


def test_the_api_cannot_push_a_huge_message_through_nlu_either(stack: Stack) -> None:
    token = {"token": rasa_token(stack.settings)}
    huge = "轴承内径多少" * 2_000
    started = time.monotonic()
    logged = requests.post(
        f"{stack.rasa_url}/conversations/tool-{uuid.uuid4().hex[:6]}/messages",
        params=token,
        json={"text": huge, "sender": "user"},
        timeout=60,
    )
    parsed = requests.post(f"{stack.rasa_url}/model/parse", params=token, json={"text": huge}, timeout=60)
    assert logged.status_code >= 400 and parsed.status_code >= 400, (logged.text, parsed.text)
    assert time.monotonic() - started < 10
    assert requests.post(f"{stack.rasa_url}/model/parse", params=token, json={"text": "hello"}, timeout=60).ok


def test_rest_cannot_file_its_conversation_under_another_channel(stack: Stack) -> None:
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    body = {"sender": sender, "message": "hello", "input_channel": "wecom"}
    assert requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60).status_code == 200
    said = [e for e in tracker_events(stack, sender) if e.get("event") == "user"]
    assert [e["input_channel"] for e in said] == ["rest"]


def test_the_token_opens_the_api(stack: Stack) -> None:
    status = requests.get(f"{stack.rasa_url}/status", params={"token": rasa_token(stack.settings)}, timeout=30)
    assert status.status_code == 200 and status.json()["model_file"]


def test_cors_allows_only_the_web_chats_origin(stack: Stack) -> None:
    web_origin = stack.web_url.rstrip("/")
    for origin, allowed in ((web_origin, True), ("http://evil.example", False)):
        response = requests.options(
            f"{stack.rasa_url}/conversations/x/tracker",
            headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
            timeout=30,
        )
        granted = response.headers.get("Access-Control-Allow-Origin")
        assert (granted in (origin, "*")) is allowed, (origin, dict(response.headers))


# --- 2. The action server: loopback only, and only Rasa ------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


def test_the_action_server_listens_on_loopback_only(stack: Stack) -> None:
    addresses = _listening_addresses(stack.settings.actions_port)
    assert addresses == {"0100007F"}, addresses  # 127.0.0.1, nothing on 0.0.0.0 or ::


def test_a_forged_tracker_cannot_run_an_action(stack: Stack) -> None:
    sender = f"forged-{uuid.uuid4().hex[:8]}"
    slots = {"lead_company": "X", "lead_name": "Y", "lead_phone": "13800138000", "lead_consent": True}
    call = {
        "next_action": "action_submit_lead",
        "sender_id": sender,
        "tracker": {"sender_id": sender, "slots": slots, "latest_message": {}, "events": [], "paused": False},
        "domain": {},
        "version": "3.6.2",
    }
    url = f"{stack.actions_url}/webhook"
    for headers in ({}, {"Authorization": "Bearer " + "0" * 64}, {"Authorization": action_token(stack.settings)}):
        response = requests.post(url, json=call, headers=headers, timeout=30)
        assert response.status_code == 401, response.text
    assert requests.get(f"{stack.actions_url}/actions", timeout=30).status_code == 401
    assert requests.get(f"{stack.actions_url}/health", timeout=30).status_code == 200
    assert leads_of(stack, sender) == 0


# --- 3. Conversation ids are the server's -----------------------------------------------------------------------


def test_socketio_cannot_name_an_im_conversation(stack: Stack) -> None:
    victim = f"wecom:victim{uuid.uuid4().hex[:6]}"
    with WebChat(stack, token=victim) as chat:
        assert chat.token != victim and chat.session_id != victim
        chat.say("hello", session_id=victim)  # Rasa's own channel took the id from each message
        mine = chat.session_id
    assert not any(e.get("event") == "user" for e in tracker_events(stack, victim))
    assert any(e.get("event") == "user" for e in tracker_events(stack, mine))


def test_socketio_cannot_continue_another_web_buyers_conversation(stack: Stack) -> None:
    with WebChat(stack) as buyer:
        buyer.say("hello")
        stolen = buyer.session_id
    with WebChat(stack, token=stolen) as attacker:  # the bare id, as Rasa's channel accepted it
        assert attacker.session_id != stolen
    with WebChat(stack, token=f"{stolen}.{'0' * 32}") as attacker:  # a forged signature
        assert attacker.session_id != stolen
    history = requests.get(f"{stack.web_url}history", params={"session": stolen}, timeout=30)
    assert history.status_code == 403


def test_a_page_from_another_origin_cannot_open_the_chat(stack: Stack) -> None:
    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        WebChat(stack, origin="http://evil.example").connect()


@pytest.mark.parametrize("sender", ["wecom:u1", "dingtalk:u1", "feishu:ou_1", "0123456789abcdef0123456789abcdef"])
def test_rest_cannot_name_another_channels_conversation(stack: Stack, sender: str) -> None:
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"}, timeout=30
    )
    assert response.status_code == 400 and "another channel" in response.json()["error"]


def test_another_buyers_upload_is_not_quoted(stack: Stack) -> None:
    with WebChat(stack) as owner, WebChat(stack) as attacker:
        response = owner.upload("board.csv", BOM.encode())
        assert response.status_code == 200, response.text
        upload_id = response.json()["upload_id"]
        replies = attacker.say(f'/upload_bom{{"upload_id": "{upload_id}"}}')
        assert not any(r.get("quote") for r in replies) and "upload it again" in texts(replies), replies
        assert quote_in(owner.say(f'/upload_bom{{"upload_id": "{upload_id}"}}'))["summary"]["lines"] == 2
    forged = requests.post(
        f"{stack.web_url}uploads", data={"session": "f" * 32}, files={"file": ("b.csv", BOM.encode())}, timeout=30
    )
    assert forged.status_code == 403


# --- 4. One message never freezes everyone --------------------------------------------------------------------


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _rasa_pid(stack: Stack) -> int:
    return next(proc.pid for name, proc in stack._procs if name == "rasa")


@pytest.mark.parametrize(
    "message",
    [
        "a" * 100_000,
        "a" * 50_000 + "中" * 50_000,
        "轴承内径多少" * 2_000,
        "/ask_spec" + "x" * 100_000,
    ],
    ids=["latin", "latin-then-chinese", "chinese-12k", "payload"],
)
def test_a_huge_message_is_answered_at_once_and_others_are_served(stack: Stack, message: str) -> None:
    before = _rss_mb(_rasa_pid(stack))
    started = time.monotonic()
    replies = ask(stack, f"huge-{uuid.uuid4().hex[:8]}", message)
    took = time.monotonic() - started
    reply = " ".join(r.get("text", "") for r in replies)
    assert "too long" in reply or "太长" in reply, f"{replies!r}\n{logs(stack)}"
    assert f"{MAX_MESSAGE_CHARS:,}" in reply
    assert took < 10, took
    other = ask(stack, f"other-{uuid.uuid4().hex[:8]}", "6205-2RS 内径多少?")
    assert "25" in " ".join(r.get("text", "") for r in other)
    assert _rss_mb(_rasa_pid(stack)) - before < 300, "Rasa grew on one message"


def test_a_long_pasted_table_goes_to_the_bom_reader(stack: Stack) -> None:
    rows = "".join(f"R{i}\t1\t0603WAF1002T5E\tR0603\n" for i in range(1, 1501))
    table = "位号\t数量\t规格型号\t封装\n" + rows
    assert len(table) > 20 * MAX_MESSAGE_CHARS
    with WebChat(stack) as chat:
        quote = quote_in(chat.say(table))
    assert quote["summary"]["lines"] == 1500


def test_a_body_over_the_servers_limit_is_refused_before_it_is_read(stack: Stack) -> None:
    _assert_413_before_reading("127.0.0.1", stack.settings.rasa_port, "/webhooks/rest/webhook")


def _assert_413_before_reading(host: str, port: int, path: str) -> None:
    """Declare 50 MB, send 100 bytes: the answer must come at once (the server did not wait for the body)."""
    with socket.create_connection((host, port), timeout=10) as conn:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
        conn.sendall(head.encode() + b"{" * 100)
        conn.settimeout(10)
        answer = conn.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]


# --- 5. Files that exhaust memory, through the web chat --------------------------------------------------------


def _action_server_pid(stack: Stack) -> int:
    return next(proc.pid for name, proc in stack._procs if name == "actions")


def test_hostile_files_through_the_chat_are_refused_by_name_and_the_bot_goes_on(stack: Stack) -> None:
    from tests.security.test_hostile_files import HEADER, ROWS, _add_merges, _with_sheet_xml, _xlsx, _zip_bomb

    merge_bomb = _with_sheet_xml(_xlsx([HEADER, *ROWS]), _add_merges(["A5:XFD1048576"]))
    files = {
        "bomb.xlsx": (_zip_bomb(600), "decompressed"),  # 600 MiB of sheet XML in well under 1 MB
        "merged.xlsx": (merge_bomb, None),  # read: the merge is clamped to the used range
        "field.csv": (b"Designator,Qty,Value\nR1,1,10k\nR2,1," + b'"' + b"x" * 200_000 + b'"\n', "10,000"),
        "quote.csv": (b'Designator,Qty,Value\nR1,1,10k\nR2,1,"10k\nR3,1,1k\nR4,1,2k\n', "never closed"),
    }
    before = _rss_mb(_action_server_pid(stack))
    with WebChat(stack) as chat:
        for name, (data, reason) in files.items():
            replies = chat.quote_upload(name, data)
            said = texts(replies)
            if reason is None:
                assert quote_in(replies)["summary"]["lines"] == len(ROWS), said
            else:
                assert reason in said and not any(r.get("quote") for r in replies), (name, said)
        assert "25" in texts(chat.say("6205-2RS 内径多少?"))  # the same action server goes on
    assert _rss_mb(_action_server_pid(stack)) - before < 200, "the action server grew on hostile files"


# --- 8. Small ones ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([1, 2], "JSON object"),
        ({"sender": "buyer-x", "message": 123}, "'message' must be a string"),
        ({"sender": "buyer\nx", "message": "hi"}, "'sender'"),
        ({"sender": "b" * 200, "message": "hi"}, "'sender'"),
        ({"message": "hi"}, "'sender'"),
        ({"sender": "buyer-x", "message": "hi", "metadata": [1]}, "'metadata'"),
    ],
)
def test_a_malformed_rest_body_gets_a_clear_400(stack: Stack, body: object, reason: str) -> None:
    response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)
    assert response.status_code == 400 and reason in response.json()["error"], response.text


def test_a_truncated_upload_gets_a_clear_400(stack: Stack) -> None:
    with WebChat(stack) as chat:
        boundary = "X" * 20
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="session"\r\n\r\n{chat.token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.csv"\r\n\r\nDesignator,Qty\r\nR1,'
        ).encode()
        response = requests.post(
            f"{stack.web_url}uploads",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            timeout=30,
        )
    assert response.status_code == 400 and "cut off" in response.json()["error"], response.text


def test_socketio_rejects_a_frame_over_its_limit(stack: Stack) -> None:
    with WebChat(stack) as chat:
        chat.sio.emit("user_uttered", {"message": "x" * 2_000_000})
        time.sleep(2)
    with WebChat(stack) as again:  # the server is still there for the next buyer
        assert "25" in texts(again.say("6205-2RS 内径多少?"))


def test_the_api_token_is_not_on_any_command_line(stack: Stack) -> None:
    secrets = {rasa_token(stack.settings), action_token(stack.settings)}
    for _, proc in stack._procs:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode(errors="replace")
        assert not any(s in cmdline for s in secrets), cmdline
    assert not any(s in (stack.log_dir / "endpoints.yml").read_text() for s in secrets)
    assert json.dumps(sorted(secrets))  # the tokens exist (not empty)
