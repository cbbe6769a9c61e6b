"""`brandstation` command line: ingest, catalog push, index, ask, search, substitutes, bom quote, serve, leads, outbox,
followups."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import get_settings
from knowledge.errors import KnowledgeError


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `brandstation` console script."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="brandstation", description="Brandstation buyer assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="rebuild the catalog store from the shipped sources")
    p.add_argument("--sources", type=Path, help="sources directory (default: catalog/sources)")
    p = sub.add_parser("index", help="build the dense + lexical indexes (skipped when current)")
    p.add_argument("--force", action="store_true", help="rebuild even when the saved index is current")
    p = sub.add_parser("ask", help="answer a spec question from the catalog (no Rasa)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("search", help="ranked products for free text, with why each matched")
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.add_argument("-k", type=int, default=10)
    p = sub.add_parser("serve", help="start action server, Rasa (REST + socket.io) and the web chat page")
    p.add_argument("--model", type=Path, help="trained model (default: newest in models/)")
    p = sub.add_parser("substitutes", help="cross-reference, drop-in and functional substitutes for a part")
    p.add_argument("part")
    p.add_argument("--json", action="store_true")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--in-stock", action="store_true", help="only substitutes in stock")
    p.add_argument("--crossref", type=Path, action="append", help="brand cross-reference CSV (catalog/CROSSREF.md)")
    p = sub.add_parser("bom", help="BOM tools")
    bom = p.add_subparsers(dest="bom_command", required=True)
    p = bom.add_parser("quote", help="read, match and price a BOM file; store the quote")
    p.add_argument("file", type=Path)
    p.add_argument("--boards", type=int, default=1, help="number of boards (default 1)")
    p.add_argument("--json", action="store_true", help="print the quote as JSON")
    p.add_argument("--out", type=Path, action="append", help="write the quote to .xlsx / .csv / .pdf (repeatable)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the exported files")
    p = sub.add_parser("catalog", help="catalog store tools")
    catalog = p.add_subparsers(dest="catalog_command", required=True)
    p = catalog.add_parser("push", help="copy the built catalog into PostgreSQL (or another store), hash unchanged")
    p.add_argument("--from", dest="source", help="the catalog to copy (default: BRANDSTATION_CATALOG_DB)")
    p.add_argument(
        "--to",
        dest="target",
        help="postgresql://… or a path (default: BRANDSTATION_CATALOG_DATABASE_URL, else _DATABASE_URL)",
    )
    p.add_argument("--force", action="store_true", help="copy even when the target already holds this catalog")
    p.set_defaults(handler=_catalog_push)
    from bot import analytics_consumer, console, followups, outbox, routing

    routing.register_cli(sub)  # leads route --dry-run LEAD.json
    followups.register_cli(sub)  # followups run
    outbox.register_cli(sub)  # outbox work | list | retry
    console.register_cli(sub)  # console add-user | passwd | enable | disable | list-users
    analytics_consumer.register_cli(sub)  # analytics consume | backfill
    args = parser.parse_args(argv)
    try:
        return int((getattr(args, "handler", None) or _COMMANDS[args.command])(args) or 0)
    except KnowledgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _ingest(args: argparse.Namespace) -> int:
    from knowledge.catalog import CatalogStore, ingest_all

    settings = get_settings()
    target = settings.catalog_db
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the live store and swap atomically, so a running server never sees half a catalog.
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".sqlite", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    store = CatalogStore(tmp_path)
    store.create()
    report = ingest_all(args.sources or settings.catalog_sources, store, progress=True)
    store.close()
    tmp_path.replace(target)
    for source, count in report.counts.items():
        print(f"{source:>28}: {count:>8,} products")
    print(f"{'total':>28}: {report.total:>8,} products in {report.seconds:.1f} s -> {target}")
    for problem in report.problems[:20]:
        print(f"skipped {problem.file}:{problem.line}: {problem.reason}")
    if len(report.problems) > 20:
        print(f"... and {len(report.problems) - 20} more skipped rows")
    return 0


def _catalog_push(args: argparse.Namespace) -> int:
    from knowledge.catalog import CatalogStore, push_catalog

    settings = get_settings()
    source_url, target_url = (
        str(args.source or settings.catalog_db),
        args.target or settings.catalog_database_url or settings.database_url,
    )
    if not target_url:
        raise KnowledgeError(
            "where to? pass --to postgresql://user:password@host:port/db or set BRANDSTATION_DATABASE_URL"
        )
    with CatalogStore.open_existing(source_url) as source, CatalogStore(target_url) as target:
        report = push_catalog(source, target, force=args.force, progress=True)
        where = target.path
    done = "already there" if report.skipped else f"copied in {report.seconds:.1f} s"
    print(f"catalog {report.catalog_hash}: {report.count:,} products {done} -> {where}")
    return 0


def _index(args: argparse.Namespace) -> int:
    from knowledge.catalog import CatalogStore
    from knowledge.embedder import load_embedder
    from knowledge.indexing import ensure_indexes

    settings = get_settings()
    store = CatalogStore(settings.catalog_db)
    report = ensure_indexes(store, load_embedder(settings.embedder), settings.index_dir, force=args.force)
    state = "built" if report.rebuilt else "already current"
    print(f"index {state}: {report.count:,} products, {report.kind}, {report.seconds:.1f} s -> {settings.index_dir}")
    return 0


def _ask(args: argparse.Namespace) -> int:
    from bot.providers import get_engine
    from knowledge.specs import answer_question

    answer = answer_question(args.question, get_engine())
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print(answer.text)
        for hit in answer.candidates[:5] if answer.status == "which_product" and not answer.groups else ():
            print(f"  - {hit.product.mpn} ({hit.product.manufacturer}, SKU {hit.product.sku}): {hit.product.name}")
    return 0 if answer.status == "answered" else 1


def _search(args: argparse.Namespace) -> int:
    from bot.providers import get_engine

    hits = get_engine().search(args.text, k=args.k)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "sku": h.product.sku,
                        "mpn": h.product.mpn,
                        "manufacturer": h.product.manufacturer,
                        "name": h.product.name,
                        "score": round(h.score, 4),
                        "why": list(h.why),
                        "stock": h.product.stock,
                    }
                    for h in hits
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for rank, hit in enumerate(hits, 1):
            p = hit.product
            print(
                f"{rank:>2}. {hit.score:.3f}  {p.mpn}  [{p.sku}]  {p.manufacturer}\n      {p.name}\n"
                f"      why: {'; '.join(hit.why)}"
            )
    return 0 if hits else 1


def _serve(args: argparse.Namespace) -> int:
    from bot.stack import Stack

    settings = get_settings()
    model = args.model or _newest_model(settings.models_dir)
    stack = Stack(settings, model, settings.var_dir / "run")
    print(f"starting action server, Rasa and the web chat (logs in {stack.log_dir}) ...", flush=True)
    stack.start()
    print(
        f"\n  Brandstation is up. Open the chat: {stack.web_url}\n"
        f"  Rasa REST: {stack.rasa_url}/webhooks/rest/webhook   (Ctrl-C stops everything)\n"
        f"  Sales console: {stack.web_url}console/  (first admin password: {stack.log_dir / 'web.log'},"
        " or set BRANDSTATION_CONSOLE_ADMIN_PASSWORD)\n",
        flush=True,
    )
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:
            failed = stack.failed()
            if failed:
                print(f"{failed} stopped unexpectedly; see {stack.log_dir}/{failed}.log", file=sys.stderr)
                return 1
            time.sleep(0.5)
    finally:
        print("stopping ...", flush=True)
        stack.stop()
    return 0


def _newest_model(models_dir: Path) -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise KnowledgeError(f"no trained model in {models_dir}: run `make train`")
    return models[-1]


def _substitutes(args: argparse.Namespace) -> int:
    from bot.providers import get_engine
    from knowledge.substitutes import default_crossrefs, find_substitutes, load_crossref, result_json

    refs = list(default_crossrefs())
    for path in args.crossref or ():
        refs += load_crossref(path)
    result = find_substitutes(args.part, get_engine(), k=args.k, in_stock_only=args.in_stock, crossrefs=refs)
    if args.json:
        print(json.dumps(result_json(result), ensure_ascii=False, indent=2))
        return 0 if result.status == "found" else 1
    part = result.part
    if part is not None:
        print(
            f"{part.mpn} ({part.manufacturer}{', SKU ' + part.sku if part.sku else ', not in the catalog'}): {result.status}"
        )
    else:
        print(f"{args.part}: {result.status}")
    for hit in result.candidates[:5]:
        print(f"  which one? {hit.product.mpn} ({hit.product.manufacturer}, SKU {hit.product.sku})")
    for rank, s in enumerate(result.substitutes, 1):
        p = s.product
        print(f"{rank:>2}. {s.kind:<15} {s.score:.2f}  {p.mpn}  [{p.sku}]  {p.manufacturer}  stock {p.stock}")
        print(f"      {s.why}")
    return 0 if result.status == "found" else 1


def _bom(args: argparse.Namespace) -> int:
    from bot.providers import get_quote_service
    from knowledge.quote import decision_lines

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise KnowledgeError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    quote = get_quote_service().quote_file(args.file.name, data, boards=args.boards)
    for out in args.out or ():
        _export(quote, out, args.lang)
    if args.json:
        print(json.dumps(quote, ensure_ascii=False, indent=2))
        return 0
    s = quote["summary"]
    print(
        f"{quote['quote_id']} r{quote['revision']}  {quote['file']}  {quote['boards']} board(s)  "
        f"{s['lines']} lines: {s['exact']} exact, {s['parametric']} by parameters, {s['ambiguous']} to decide, "
        f"{s['not_found']} not found; {s['dnp']} DNP, {s['problems']} unreadable rows"
    )
    print(f"subtotal {quote['currency']} {quote['subtotal']}  tax {quote['tax']}  total {quote['total']}")
    print(f"valid until {quote['valid_until']}; longest lead time {s['longest_lead_time_days'] or '-'} days")
    for line in decision_lines(quote)[:20]:
        shown = line["input"]["mpn"] or line["input"]["value"] or line["input"]["description"]
        print(f"  line {line['line']:>4} {line['status']:<10} {shown[:40]}  {line['note'][:100]}")
        for number, cand in enumerate(line["candidates"][:3], 1):
            print(f"           {number}. {cand['mpn']} ({cand['manufacturer']}, {cand['package']}) {cand['why'][:60]}")
    for warning in quote["warnings"][:10]:
        print(f"warning: {warning}")
    return 0


def _export(quote: dict[str, object], out: Path, lang: str) -> None:
    from bot.quote_export import EXPORT_FORMATS

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise KnowledgeError(f"cannot export to {out.name}: use .xlsx, .csv or .pdf")
    render, _ = EXPORT_FORMATS[fmt]
    out.write_bytes(render(quote, lang))
    print(f"wrote {out}", file=sys.stderr)


_COMMANDS = {
    "bom": _bom,
    "ingest": _ingest,
    "index": _index,
    "ask": _ask,
    "search": _search,
    "serve": _serve,
    "substitutes": _substitutes,
}

if __name__ == "__main__":
    sys.exit(main())
