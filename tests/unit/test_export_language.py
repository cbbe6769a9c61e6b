"""Issue 18: a quote's files speak the buyer's language. A real Chinese BOM (held out 9's Altium .xls) quoted against
the shipped catalog and exported: every cell of the Chinese XLSX and CSV but the buyer's own input holds no English
phrase (knowledge/language.py), the candidates' reasons and the price sources included; the English files hold no
Chinese in their headers, statuses, reasons and price sources. Skipped where var/catalog.sqlite is not built."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.quote_export import to_csv, to_xlsx
from knowledge.bom import read_bom
from knowledge.bom_match import BomMatcher
from knowledge.catalog import CatalogStore
from knowledge.language import foreign_runs
from knowledge.pricing import PricingSettings
from knowledge.quote import build_quote
from knowledge.search import SearchEngine

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "var" / "catalog.sqlite"
BOM = ROOT / "tests" / "fixtures" / "boms" / "holdout9" / "b_altium_xls_zh_rov_board_repro.xls"


@pytest.fixture(scope="module")
def quote() -> dict[str, Any]:
    if not CATALOG.is_file():
        pytest.skip("var/catalog.sqlite is not built")
    read = read_bom(BOM)
    with CatalogStore.open_existing(CATALOG) as store:
        matches = BomMatcher(SearchEngine(store)).match_all(read.lines)
        settings = PricingSettings(currency="CNY", fx={"USD": Decimal("7.2")})
        return build_quote(read, matches, store, boards=10, settings=settings, today=date(2026, 12, 7), quote_id="Q-1")


def _xlsx_cells(data: bytes) -> list[tuple[str, str, str]]:
    """(sheet, column header, text) of every text cell, the header being the lines table's where there is one."""
    cells = []
    for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        header: dict[int, str] = {}
        for row in sheet.iter_rows():
            texts = [c.value if isinstance(c.value, str) else "" for c in row]
            if sum(bool(t) for t in texts) >= 6 and not header:
                header = dict(enumerate(texts))  # the first wide row: the table's header
            cells += [(sheet.title, header.get(i, ""), t) for i, t in enumerate(texts) if t]
    return cells


def _makers(quote: dict[str, Any]) -> set[str]:
    return {str(x.get("manufacturer") or "") for line in quote["lines"] for x in (line, *line.get("candidates", []))}


def test_a_chinese_quote_s_files_hold_no_english_phrase(quote: dict[str, Any]) -> None:
    makers = _makers(quote)
    found = [
        f"{sheet}/{column}: {text[:80]!r}"
        for sheet, column, text in _xlsx_cells(to_xlsx(quote, "zh"))
        if column != "客户输入" and foreign_runs(text, "zh", makers)  # the buyer's own words stay as written
    ]
    rows = list(csv.reader(io.StringIO(to_csv(quote, "zh").decode("utf-8-sig"))))
    found += [f"csv: {cell[:80]!r}" for row in rows for i, cell in enumerate(row) if foreign_runs(cell, "zh", makers)]
    assert quote["lines"] and not found, "\n".join(found)


def test_an_english_quote_s_labels_reasons_and_sources_hold_no_chinese(quote: dict[str, Any]) -> None:
    ours = ("Status", "Why", "Price source")
    found = [
        f"{sheet}/{column}: {text[:80]!r}"
        for sheet, column, text in _xlsx_cells(to_xlsx(quote, "en"))
        if (column in ours or column == text) and foreign_runs(text, "en")
    ]
    assert not found, "\n".join(found)
