"""Quote store and the web server's upload / download routes (real aiohttp app on a loopback test server)."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot.quotes import MAX_UPLOAD_BYTES, QUOTE_ID_ALPHABET, QUOTE_ID_CHARS, QuoteNotFound, QuoteService, QuoteStore
from bot.sessions import issue_session
from bot.web.server import create_app
from knowledge.db import Database
from knowledge.errors import KnowledgeError
from knowledge.pricing import PricingSettings
from knowledge.quote import Revision
from knowledge.search import SearchEngine

BOM = b"Designator,Qty,Value,Footprint\nR1,2,10k,R0603\nR2,1,4.7k,R0603\n"


@pytest.fixture
def service(engine: SearchEngine, app_db: Database) -> QuoteService:
    return QuoteService(engine, QuoteStore(app_db), None, PricingSettings(), "http://example.test")


def test_quote_ids_are_random_per_day_and_revisions_share_a_token(service: QuoteService) -> None:
    first = service.quote_file("a.csv", BOM, boards=10, sender_id="buyer-a")
    second = service.quote_file("b.csv", BOM, boards=10, sender_id="buyer-b")
    today = date.today().strftime("%Y%m%d")
    pattern = rf"Q-{today}-[{QUOTE_ID_ALPHABET}]{{{QUOTE_ID_CHARS}}}"
    assert re.fullmatch(pattern, first["quote_id"]) and re.fullmatch(pattern, second["quote_id"])
    assert first["quote_id"] != second["quote_id"]
    with pytest.raises(QuoteNotFound):
        service.revise(first["quote_id"], Revision(boards=20), sender_id="buyer-b")  # not buyer b's quote
    revised = service.revise(first["quote_id"], Revision(boards=20), sender_id="buyer-a")
    assert revised["token"] == first["token"] != second["token"]
    assert revised["downloads"]["pdf"].endswith(f"/quotes/{first['token']}/{first['quote_id']}-r2.pdf")
    assert service.store.by_token(first["token"], first["quote_id"], 1)["boards"] == 10
    with pytest.raises(QuoteNotFound):
        service.store.by_token(second["token"], first["quote_id"], 1)  # another quote's token opens nothing


def test_uploads_are_kept_and_limited(service: QuoteService) -> None:
    upload_id = service.store.save_upload("../../etc/bom.csv", BOM, "buyer-1")
    kept = service.store.upload(upload_id)
    assert (kept.name, kept.data, kept.sender_id) == ("bom.csv", BOM, "buyer-1")
    with pytest.raises(KnowledgeError, match="empty"):
        service.store.save_upload("x.csv", b"")
    with pytest.raises(KnowledgeError, match="limited to 5 MB"):
        service.store.save_upload("x.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(QuoteNotFound):
        service.store.upload("nope")


SESSION_KEY = b"web chat session key for these tests"


def _with_client(service: QuoteService, body: Any) -> Any:
    async def go() -> Any:
        app = create_app("http://127.0.0.1:5005", quotes=service.store, session_key=SESSION_KEY)
        async with TestClient(TestServer(app)) as client:
            return await body(client)

    return asyncio.run(go())


def test_upload_route_returns_an_id_and_rejects_oversize_files(service: QuoteService) -> None:
    session_id, token = issue_session(SESSION_KEY)

    async def body(client: TestClient) -> None:
        form = FormData()
        form.add_field("session", token)
        form.add_field("file", BOM, filename="bom.csv", content_type="text/csv")
        response = await client.post("/uploads", data=form)
        assert response.status == 200
        reply = await response.json()
        assert service.store.upload(reply["upload_id"], owner=session_id).data == BOM and reply["size"] == len(BOM)
        with pytest.raises(QuoteNotFound):
            service.store.upload(reply["upload_id"], owner="another-buyer")
        big = FormData()
        big.add_field("file", b"x" * (MAX_UPLOAD_BYTES + 200_000), filename="big.csv")
        response = await client.post("/uploads", data=big)
        assert response.status == 413 and "too large" in (await response.json())["error"]
        response = await client.post("/uploads", data={"session": token, "nothing": "here"})
        assert response.status == 400
        response = await client.post("/uploads", data={"nothing": "here"})
        assert response.status == 403 and "session" in (await response.json())["error"]

    _with_client(service, body)


def test_download_route_serves_each_format_only_with_the_token(service: QuoteService) -> None:
    quote = service.quote_file("bom.csv", BOM, boards=5)
    base = f"/quotes/{quote['token']}/{quote['quote_id']}-r1"

    async def body(client: TestClient) -> None:
        response = await client.get(base + ".xlsx")
        assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(await response.read()))
        assert any(quote["quote_id"] in str(c.value) for row in book.active.iter_rows() for c in row if c.value)
        pdf = await client.get(base + ".pdf")
        assert pdf.status == 200 and (await pdf.read()).startswith(b"%PDF")
        csv_response = await client.get(base + ".csv")
        assert csv_response.status == 200 and (await csv_response.read()).startswith(b"\xef\xbb\xbf")
        assert (await client.get(f"/quotes/wrong-token/{quote['quote_id']}-r1.xlsx")).status == 404
        assert (await client.get(base + ".exe")).status == 404
        assert (await client.get(f"/quotes/{quote['token']}/{quote['quote_id']}-r9.xlsx")).status == 404

    _with_client(service, body)
