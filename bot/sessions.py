"""Web chat session ids: issued by the server, signed, and never able to name another channel's conversation.

The page keeps a session token `<id>.<signature>`: `id` is 32 random hex digits and is the Rasa conversation id
(sender id); `signature` is HMAC-SHA256 over "webchat:" + id with the web sessions key (bot/keys.py), so only
this installation can make one. A client that sends anything else (another buyer's bare id, "wecom:<userid>")
gets a new conversation. The id's fixed shape keeps it apart from the IM channels' "wecom:…" namespaces.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SESSION_ID = re.compile(r"[0-9a-f]{32}")
_TOKEN = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")


def issue_session(key: bytes) -> tuple[str, str]:
    """A new conversation: (session id = Rasa sender id, token the page keeps)."""
    session_id = secrets.token_hex(16)
    return session_id, f"{session_id}.{_signature(key, session_id)}"


def session_of(key: bytes, token: object) -> str | None:
    """The session id a token proves, or None for anything this installation did not issue."""
    if not isinstance(token, str):
        return None
    found = _TOKEN.fullmatch(token)
    if found is None:
        return None
    session_id, signature = found.groups()
    return session_id if hmac.compare_digest(signature, _signature(key, session_id)) else None


def token_for(key: bytes, session_id: str) -> str:
    """The token of an existing session id (tests, tools)."""
    if SESSION_ID.fullmatch(session_id) is None:
        raise ValueError(f"not a web chat session id: {session_id[:40]!r}")
    return f"{session_id}.{_signature(key, session_id)}"


def _signature(key: bytes, session_id: str) -> str:
    return hmac.new(key, b"webchat:" + session_id.encode(), hashlib.sha256).hexdigest()[:32]
