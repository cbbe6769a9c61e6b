"""Files built to exhaust the BOM reader's memory or time, or to lose rows silently (issue 14, item 5).

Each hostile file is built here, small: the 1.7 KB-class workbook with a merged range over the whole sheet, a
620 KB workbook that unpacks to 629 MB (generated as a stream of identical deflate blocks), a 5,000-column sheet,
a CSV cell over csv's 128 KiB limit, an unbalanced quote, absurd quantities. The reader must refuse each with a
typed error naming the limit (or read it correctly) within bounded memory: direct reads run under an address
space limit, so a reader that inflates or materialises the file fails here with MemoryError instead of taking
the test machine down. The sandbox tests run the real worker process (bot/bom_sandbox.py) and the real
QuoteService path.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest

from bot.quotes import QuoteService, QuoteStore
from knowledge.bom import read_bom
from knowledge.errors import BomFormatError, KnowledgeError
from knowledge.pricing import PricingSettings
from knowledge.quote import decision_lines
from knowledge.search import SearchEngine

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "boms"
HEADER = ["Designator", "Qty", "Value", "Footprint"]
ROWS = [["R1", 2, "10k", "0603"], ["R2", 1, "4.7k", "0603"], ["C1", 1, "100nF", "0402"], ["U1", 1, "LM358", "SOP-8"]]
MiB = 1 << 20


# ------------------------------------------------------------------------------------------------
# Helpers


@contextmanager
def bounded_memory(extra: int) -> Iterator[None]:
    """Lower this process's address space limit to what it uses now plus `extra` bytes, for the block."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _vm_size() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _xlsx(rows: list[list[object]], edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def _with_sheet_xml(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    """The workbook with xl/worksheets/sheet1.xml rewritten by `edit`."""
    members = _members(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in members.items():
            archive.writestr(name, edit(body) if name == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def _add_merges(refs: list[str]) -> Callable[[bytes], bytes]:
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs).encode()
    return lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="%d">' % len(refs) + cells + b"</mergeCells>"
    )


def _zip_bomb(unpacked_mib: int) -> bytes:
    """A valid workbook whose sheet XML holds `unpacked_mib` MiB of blanks inside <sheetData>, written as raw
    deflate: after a full flush every 1 MiB of blanks compresses to the same ~1 KB block, so the block is
    computed once and repeated (a real zip, CRCs and all, built in well under a second)."""
    members = _members(_xlsx([HEADER, *ROWS]))
    sheet = members.pop("xl/worksheets/sheet1.xml")
    cut = sheet.index(b"<sheetData>") + len(b"<sheetData>")
    prefix, suffix, blanks = sheet[:cut], sheet[cut:], b" " * MiB
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(blanks) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.compress(suffix) + deflate.flush()
    crc = zlib.crc32(prefix)
    for _ in range(unpacked_mib):
        crc = zlib.crc32(blanks, crc)
    crc = zlib.crc32(suffix, crc)
    entries = [(name, _deflate(body), zlib.crc32(body), len(body)) for name, body in members.items()]
    entries.append(
        (
            "xl/worksheets/sheet1.xml",
            head + block * unpacked_mib + tail,
            crc,
            len(prefix) + unpacked_mib * MiB + len(suffix),
        )
    )
    return _zip(entries)


def _deflate(body: bytes) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflate.compress(body) + deflate.flush()


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already-deflated members: (name, deflated bytes, crc32, unpacked size)."""
    out = io.BytesIO()
    central = []
    for name, packed, crc, size in entries:
        offset, raw = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(raw), 0))
        out.write(raw + packed)
        fields = (0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), size, len(raw), 0, 0, 0, 0, 0, offset)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", *fields) + raw)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _limit(error: pytest.ExceptionInfo[BaseException]) -> str:
    return str(getattr(error.value, "limit", ""))


@pytest.fixture
def service(engine: SearchEngine, tmp_path: Path) -> QuoteService:
    settings = PricingSettings(currency="USD", fx={})
    return QuoteService(engine, QuoteStore(tmp_path / "app.sqlite"), None, settings, "http://example.test")


# ------------------------------------------------------------------------------------------------
# The reader: limits checked before inflating, in bounded memory


def test_merged_range_over_the_whole_sheet_is_clamped_to_the_used_range() -> None:
    data = _with_sheet_xml(_xlsx([HEADER, *ROWS]), _add_merges(["A5:XFD1048576"]))
    assert len(data) < 10_000  # openpyxl's theme makes it 5 KB; the file was 1.7 KB
    with bounded_memory(512 * MiB):
        result = read_bom("merged.xlsx", data)
    assert [line.designators for line in result.lines] == [("R1",), ("R2",), ("C1",), ("U1",)]
    assert result.lines[-1].value == "LM358"  # B5:D5 keep their own values; nothing past the used range


def test_merged_cells_still_fill_from_their_top_left_cell() -> None:
    rows: list[list[object]] = [[*HEADER, "Manufacturer"], ["R1", 1, "10k", "0603", "YAGEO"], ["R2", 1, "1k", "0603"]]
    data = _with_sheet_xml(_xlsx(rows), _add_merges(["E2:E1048576"]))
    with bounded_memory(512 * MiB):
        result = read_bom("merged.xlsx", data)
    assert [line.manufacturer for line in result.lines] == ["YAGEO", "YAGEO"]


def test_too_many_merged_ranges_are_refused() -> None:
    data = _with_sheet_xml(_xlsx([HEADER, *ROWS]), _add_merges([f"F{r}:G{r}" for r in range(1, 10_002)]))
    with bounded_memory(512 * MiB), pytest.raises(BomFormatError) as error:
        read_bom("merges.xlsx", data)
    assert _limit(error) == "merged_ranges"
    assert "more than 10,000 merged ranges" in error.value.reason


def test_zip_bomb_is_refused_from_the_central_directory_before_inflating() -> None:
    data = _zip_bomb(600)
    assert len(data) < 700_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # a real workbook: it inflates, CRC and all
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 600 * MiB
    with bounded_memory(256 * MiB), pytest.raises(BomFormatError) as error:
        read_bom("bomb.xlsx", data)
    assert _limit(error) == "decompressed_bytes"
    assert "unpacks to 629 MB" in error.value.reason and "at most 50 MB" in error.value.reason


def test_absurd_compression_ratio_is_refused() -> None:
    data = _zip_bomb(20)  # 20 MiB from about 21 KB: under the size limit, 1,000 to 1
    with bounded_memory(256 * MiB), pytest.raises(BomFormatError) as error:
        read_bom("ratio.xlsx", data)
    assert _limit(error) == "compression_ratio"
    assert "at most 100 to 1" in error.value.reason


def test_5000_column_sheet_is_refused_by_the_column_limit() -> None:
    wide = HEADER + [f"extra {i}" for i in range(4_996)]
    data = _xlsx([wide, ["R1", 1, "10k", "0603"] + ["x"] * 4_996])
    with bounded_memory(512 * MiB), pytest.raises(BomFormatError) as error:
        read_bom("wide.xlsx", data)
    assert _limit(error) == "columns"
    assert "uses 5,000 columns" in error.value.reason and "up to 200 columns" in error.value.reason
    with pytest.raises(BomFormatError) as error:
        read_bom("wide.csv", _csv([",".join(wide), ",".join(["R1", "1", "10k", "0603"] + ["x"] * 4_996)]))
    assert _limit(error) == "columns" and "5,000 columns" in error.value.reason


def test_5000_column_sheet_whose_extra_columns_are_empty_reads() -> None:
    """Formatting to column 5,000 (a buyer who shaded whole rows) holds nothing: the BOM reads as it shows."""

    def shade(book: openpyxl.Workbook) -> None:
        fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
        for row in range(1, len(ROWS) + 2):
            book.active.cell(row=row, column=5_000).fill = fill

    data = _xlsx([HEADER, *ROWS], shade)
    with bounded_memory(512 * MiB):
        result = read_bom("shaded.xlsx", data)
    assert len(result.lines) == len(ROWS)
    padded = _csv([",".join(HEADER + [""] * 4_996)] + [",".join(map(str, row)) + "," * 4_996 for row in ROWS])
    assert len(read_bom("padded.csv", padded).lines) == len(ROWS)


def test_row_limit() -> None:
    lines = [",".join(HEADER)] + [f"R{i},1,10k,0603" for i in range(1, 20_002)]
    with pytest.raises(BomFormatError) as error:
        read_bom("long.csv", _csv(lines))
    assert _limit(error) == "rows" and "up to 20,000 rows" in error.value.reason
    # a flood of blank lines cannot hide a row past the limit, nor fill memory
    flood = (",".join(HEADER) + "\nR1,1,10k,0603\n" + "\n" * 3_000_000 + "R2,1,1k,0603\n").encode()
    with bounded_memory(256 * MiB), pytest.raises(BomFormatError) as error:
        read_bom("flood.csv", flood)
    assert _limit(error) == "rows"
    # and a workbook row a million rows down
    far = _with_sheet_xml(
        _xlsx([HEADER, *ROWS]),
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>R9</t></is></c></row></sheetData>'
        ),
    )
    with bounded_memory(256 * MiB), pytest.raises(BomFormatError) as error:
        read_bom("far.xlsx", far)
    assert _limit(error) == "rows" and "row 1,048,576" in error.value.reason


def test_cell_size_limit() -> None:
    data = _xlsx([HEADER, ["R1", 1, "x" * 20_000, "0603"]])
    with pytest.raises(BomFormatError) as error:
        read_bom("big-cell.xlsx", data)
    assert _limit(error) == "cell_chars"
    assert "cell C2" in error.value.reason and "20,000 characters" in error.value.reason
    assert "at most 10,000" in error.value.reason


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_csv_field_over_128_kib_is_a_typed_error_naming_the_row(quoted: bool) -> None:
    huge = "x" * 140_000
    data = _csv([",".join(HEADER), "R1,1,10k,0603", f"R2,1,{huge if not quoted else chr(34) + huge + chr(34)},0603"])
    with pytest.raises(BomFormatError) as error:  # before: _csv.Error escaped, and the buyer got no reply
        read_bom("huge.csv", data)
    assert _limit(error) == "cell_chars"
    assert error.value.line == 3 and "line 3" in error.value.reason and "at most 10,000" in error.value.reason


def test_unbalanced_quote_is_reported_with_its_line() -> None:
    data = _csv([",".join(HEADER), "R1,1,10k,0603", 'R2,1,"4.7k,0603', "R3,1,1k,0603", "R4,1,2k,0603", "R5,1,3k,0603"])
    with pytest.raises(BomFormatError) as error:  # before: "2 lines read", rows 3-6 swallowed silently
        read_bom("quote.csv", data)
    assert error.value.line == 3
    assert "a quote opened on line 3 is never closed" in error.value.reason
    # a quoted cell over two lines, closed, still reads
    fine = _csv([",".join(HEADER), "R1,1,10k,0603", 'R2,1,"4.7k', '1%",0603', "R3,1,1k,0603"])
    assert [line.line for line in read_bom("fine.csv", fine).lines] == [2, 3, 5]


def test_quote_after_spaces_that_never_closes_is_reported() -> None:
    # csv reads with skipinitialspace, so ' "' opens a quoted cell too (found by the BOM fuzz test: the row was lost)
    data = _csv([",".join(HEADER), "R1,1,10k,0603", 'R2,1, "4.7k,0603', "R3,1,1k,0603"])
    with pytest.raises(BomFormatError) as error:
        read_bom("quote.csv", data)
    assert error.value.line == 3 and "never closed" in error.value.reason
    with pytest.raises(BomFormatError) as error:
        read_bom("bom.csv", b'Designator,Qty\n "\n')
    assert error.value.line == 2
    # spaces before a closed quote still read as csv's quoted cell
    fine = _csv([",".join(HEADER), 'R1,1, "10k, 1%" ,0603', "R2,1,1k,0603"])
    assert [line.line for line in read_bom("fine.csv", fine).lines] == [2, 3]


# ------------------------------------------------------------------------------------------------
# Absurd quantities: lines to decide, with the reason, never priced as written


ABSURD = {
    "1e9": "more than 100,000",
    "1000000000": "more than 100,000",
    "100000000000000000000": "more than 100,000",
    "1E+20": "more than 100,000",
    "0": "is zero",
    "-5": "is negative",
    "NaN": "is not a number",
}


def test_absurd_quantities_become_lines_to_decide(service: QuoteService) -> None:
    lines = [",".join(["Designator", "Qty", "MPN", "Footprint"]), "R1,2,0603WAF1002T5E,0603"]
    lines += [f"R{i},{qty},0603WAF1002T5E,0603" for i, qty in enumerate(ABSURD, start=2)]
    quote = service.quote_file("absurd.csv", _csv(lines), boards=10)
    by_line = {line["line"]: line for line in quote["lines"]}
    assert by_line[2]["qty"] == 20 and by_line[2]["ext_price"] is not None  # the sane line is priced
    decide = {line["line"] for line in decision_lines(quote)}
    for number, (qty, reason) in enumerate(ABSURD.items(), start=3):
        line = by_line[number]
        assert line["sku"] == "C25804", qty  # matched, so only the quantity stops it
        assert line["qty"] is None and line["ext_price"] is None and line["order_qty"] is None, qty
        assert number in decide, qty
        assert any(reason in note for note in line["bom_notes"]), (qty, line["bom_notes"])
        assert "not priced" in line["note"], qty


# ------------------------------------------------------------------------------------------------
# The sandbox: a worker process with memory and time limits


def _big_csv(rows: int = 19_000) -> bytes:
    return _csv([",".join(HEADER)] + [f"R{i},1,{i}k,0603" for i in range(rows)])


def test_result_and_errors_cross_the_process_boundary() -> None:
    from bot.bom_sandbox import read_bom_isolated

    path = FIXTURES / "gbk_erp_export.csv"
    here = read_bom(path)
    assert pickle.loads(pickle.dumps(here)) == here
    assert read_bom_isolated(path.name, path.read_bytes()) == here
    with pytest.raises(BomFormatError) as error:
        read_bom_isolated("quote.csv", _csv([",".join(HEADER), 'R1,1,"10k,0603', "R2,1,1k,0603"]))
    assert type(error.value) is BomFormatError and (error.value.file, error.value.line) == ("quote.csv", 2)


def test_worker_over_its_memory_limit_is_a_typed_error_and_the_caller_goes_on() -> None:
    from bot.bom_sandbox import read_bom_isolated

    before = _rss()
    with pytest.raises(KnowledgeError) as error:
        read_bom_isolated("big.csv", _big_csv(), memory_bytes=64 * MiB)
    assert _limit(error) == "memory" and "needs more than 64 MB to read" in str(error.value)
    assert _rss() - before < 32 * MiB
    assert len(read_bom_isolated("next.csv", _csv([",".join(HEADER), "R1,1,10k,0603"])).lines) == 1


def test_worker_over_its_time_limit_is_a_typed_error_and_the_caller_goes_on() -> None:
    from bot.bom_sandbox import read_bom_isolated

    with pytest.raises(KnowledgeError) as error:
        read_bom_isolated("big.csv", _big_csv(), timeout_s=0.2)
    assert _limit(error) == "time" and "reading took longer than 0.2 s" in str(error.value)
    assert len(read_bom_isolated("next.csv", _csv([",".join(HEADER), "R1,1,10k,0603"])).lines) == 1


def test_quote_service_reads_hostile_files_in_the_worker_and_its_memory_stays_flat(service: QuoteService) -> None:
    from bot import bom_sandbox

    hostile = {
        "bomb.xlsx": _zip_bomb(600),
        "wide.xlsx": _xlsx([HEADER + [f"extra {i}" for i in range(4_996)]]),
        "huge.csv": _csv([",".join(HEADER), "R1,1," + "x" * 140_000 + ",0603"]),
        "big.csv": _big_csv(),  # within the limits, but not within the 64 MB given below
    }
    merged = _with_sheet_xml(_xlsx([HEADER, *ROWS]), _add_merges(["A5:XFD1048576"]))
    service.quote_file("warm.csv", _csv([",".join(HEADER), "R1,1,10k,0603"]))  # the worker is started
    before = _rss()
    with bounded_memory(512 * MiB):
        assert len(service.quote_file("merged.xlsx", merged)["lines"]) == len(ROWS)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bom_sandbox, "DEFAULT_MEMORY_BYTES", 64 * MiB)
            for name, data in hostile.items():
                with pytest.raises(KnowledgeError) as error:
                    service.quote_file(name, data)
                assert _limit(error), name  # each refused by a named limit
    assert _rss() - before < 48 * MiB  # the action server's memory: the bytes of the files, no more
    quote = service.quote_file("next.csv", _csv(["Designator,Qty,MPN", "R1,2,0603WAF1002T5E"]), boards=5)
    assert quote["lines"][0]["qty"] == 10
    pasted = service.quote_text("Designator\tQty\tMPN\nR1\t2\t0603WAF1002T5E\nR2\t1\t0603WAF1002T5E\n")
    assert len(pasted["lines"]) == 2
