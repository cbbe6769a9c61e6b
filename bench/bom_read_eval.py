"""BOM reading judged against counts written by hand before the reader ran (issue 16).

Two sets: the dev BOMs (tests/fixtures/boms/expected/, read from the fixtures or ../shared/boms/dev/) and the
outside set (tests/fixtures/boms/outside/: real exports from public repositories, or structural reproductions of
ones whose licence forbids a copy; source, commit and licence in each expected/*.json). A file is read whole
when item lines and DNP lines equal the labels, every spot check holds and no non-empty row is lost (every row
is an item, DNP, skipped with a reason or a problem, exactly once). A spot check of "value" (the text a file
gives for the part) accepts the line's value or its description: hand-made lists name parts in "Item", "Part" or
"名称" columns and describe them in another, and which of the two a labeller called the value varies. Run: `python -m bench.bom_read_eval` or
`make eval`.
"""

from __future__ import annotations

import io
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from knowledge.bom import BomReadResult, read_bom
from knowledge.errors import BomFormatError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "boms"
DEV = ROOT.parent / "shared" / "boms" / "dev"
SETS = {
    "dev": (FIXTURES / "expected", (FIXTURES, DEV)),
    "outside": (FIXTURES / "outside" / "expected", (FIXTURES / "outside",)),
}


def labelled(which: str) -> list[tuple[dict[str, Any], Path | None]]:
    folder, homes = SETS[which]
    out = []
    for path in sorted(folder.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        found = next((home / spec["file"] for home in homes if (home / spec["file"]).is_file()), None)
        out.append((spec, found))
    return out


def judge(spec: dict[str, Any], path: Path) -> dict[str, Any]:
    """What the reader made of one file against its labels: counts, failed checks, rows lost."""
    try:
        result = read_bom(path)
    except BomFormatError as exc:
        return {"file": spec["file"], "whole": False, "error": exc.reason}
    got = {"lines": len(result.lines), "dnp": len(result.dnp)}
    want = {k: spec["counts"][k] for k in ("lines", "dnp")}
    failed = [f"{k} {got[k]} != {want[k]}" for k in want if got[k] != want[k]]
    failed += spot_check_failures(result, spec.get("spot_checks", ()))
    lost = sorted(non_empty_rows(path) - accounted(result)) if path.suffix.lower() != ".xml" else []
    if lost:
        failed.append(f"{len(lost)} rows lost (first {lost[:3]})")
    return {
        "file": spec["file"],
        "format": result.format,
        "whole": not failed,
        "got": got,
        "want": want,
        "failed": failed,
        "skipped": len(result.skipped),
        "problems": [f"{p.sheet}:{p.line} {p.reason}" for p in result.problems][:5],
    }


def spot_check_failures(result: BomReadResult, checks: Any) -> list[str]:
    """A spot check holds when an item of its row has every value it names; a row of tables side by side
    holds an item of each table, and the check is about one of them."""
    out = []
    for check in checks:
        sheet = check.get("sheet", "")
        items = [i for i in (*result.lines, *result.dnp) if i.line == check["line"] and i.sheet == sheet]
        if not items:
            out.append(f"no item at {sheet}:{check['line']}")
            continue
        misses = [_misses(item, check) for item in items]
        if all(misses):
            out.extend(min(misses, key=len))
    return out


def _misses(item: Any, check: dict[str, Any]) -> list[str]:
    out = []
    for key, wanted in check.items():
        if key in {"line", "sheet"}:
            continue
        value = getattr(item, key, None)
        if key == "value" and value != wanted and wanted == item.description:
            value = wanted  # the part's name or text: filed as value or description (see above)
        # the kind column's cell said before it ('Fasteners M3x6x5 Heatset Insert', '弹簧垫圈 M3')
        kind_before = any(item.description == f"{cell} {wanted}" for cell in item.raw.values())
        if key in ("value", "description") and value != wanted and wanted and kind_before:
            value = wanted
        value = list(value) if isinstance(value, tuple) else value
        if value != wanted and not (isinstance(value, float) and value == wanted):
            out.append(f"{item.sheet}:{item.line} {key} {value!r} != {wanted!r}")
    return out


def accounted(result: BomReadResult) -> set[tuple[str, int]]:
    return {
        *((i.sheet, i.line) for i in (*result.lines, *result.dnp)),
        *((p.sheet, p.line) for p in (*result.skipped, *result.problems)),
    }


def non_empty_rows(path: Path) -> set[tuple[str, int]]:
    """Every non-empty row, found without knowledge.bom (openpyxl, xlrd, or text lines)."""
    data = path.read_bytes()
    if data.startswith(b"PK") and path.suffix.lower() != ".ods":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except TypeError:  # a styles part openpyxl refuses (Digi-Key's empty <fill/>): read the cells without it
            import zipfile

            packed, copy = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
            with zipfile.ZipFile(copy, "w") as out:
                for name in packed.namelist():
                    if name != "xl/styles.xml":
                        out.writestr(name, packed.read(name))
            book = openpyxl.load_workbook(io.BytesIO(copy.getvalue()), read_only=True, data_only=True)
        rows = {
            (sheet.title, number)
            for sheet in book.worksheets
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(str(v).strip() for v in row if v is not None)
        }
        book.close()
        return rows
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        import xlrd

        book = xlrd.open_workbook(file_contents=data)
        return {
            (sheet.name, r + 1)
            for sheet in book.sheets()
            for r in range(sheet.nrows)
            if any(str(v).strip() for v in sheet.row_values(r))
        }
    if path.suffix.lower() == ".ods":
        return set()  # counts and spot checks only
    text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8", "replace")
    out: set[tuple[str, int]] = set()
    open_quote = False  # a quoted cell spanning lines continues the record that started above
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not open_quote:
            out.add(("", number))
        if path.suffix.lower() == ".csv" and line.count('"') % 2:
            open_quote = not open_quote
    return out


def speed(lines: int = 10_000) -> dict[str, float]:
    """Seconds (best of 3) to read a generated BOM of `lines` item lines as .csv, .xlsx and KiCad XML."""
    import csv
    import random

    import openpyxl

    rng = random.Random(16)
    rows = [["Designator", "Qty", "Comment", "Footprint", "Manufacturer Part", "Manufacturer", "LCSC"]]
    rows += [
        [f"R{3 * i + 1},R{3 * i + 2},R{3 * i + 3}", "3", f"{rng.randint(1, 999)}k", "R0603", f"RC0603FR-07{i}L", "YAGEO",
         f"C{100000 + i}"]
        for i in range(lines)
    ]  # fmt: skip
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    xlsx = io.BytesIO()
    book.save(xlsx)
    comps = "".join(
        f'<comp ref="R{i + 1}"><value>{i}k</value><footprint>R_0603</footprint></comp>\n' for i in range(lines)
    )
    xml = f'<?xml version="1.0"?>\n<export version="E"><components>\n{comps}</components></export>'
    out = {}
    for name, data in (("csv", text.getvalue().encode()), ("xlsx", xlsx.getvalue()), ("kicad_xml", xml.encode())):
        best = math.inf
        for _ in range(3):
            started = time.perf_counter()
            read = read_bom(f"big.{name}", data)
            best = min(best, time.perf_counter() - started)
        assert len(read.lines) == lines, (name, len(read.lines))
        out[name] = round(best, 2)
    print(f"reading a {lines:,}-line BOM (s, best of 3): {out}")
    return out


def run() -> dict[str, Any]:
    out: dict[str, Any] = {"seconds_10k_lines": speed()}
    for which in SETS:
        rows = []
        for spec, path in labelled(which):
            if path is None:
                print(f"  {which:<8} {spec['file']:<52} (not here: skipped)")
                continue
            started = time.perf_counter()
            row = judge(spec, path)
            row["ms"] = round((time.perf_counter() - started) * 1000, 1)
            rows.append(row)
            mark = "whole" if row["whole"] else "NOT WHOLE"
            print(
                f"  {which:<8} {spec['file']:<52} {mark:<9} {row.get('got', '')} {'; '.join(row.get('failed', [row.get('error', '')]))}"
            )
        whole = sum(r["whole"] for r in rows)
        print(f"BOM reading, {which}: {whole} of {len(rows)} files read whole")
        out[which] = {"files": len(rows), "whole": whole, "rows": rows}
    return out


if __name__ == "__main__":
    figures = run()
    sets = [v for v in figures.values() if isinstance(v, dict) and "files" in v]
    sys.exit(0 if all(s["whole"] == s["files"] for s in sets) else 1)
