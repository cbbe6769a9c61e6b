"""Rasa custom actions: thin adapters that read slots, make one call into bot/ or knowledge/, and reply.

With BRANDSTATION_WARM_UP=1 (set by `brandstation serve`), the action server, as it starts, loads the catalog,
indexes, the BOM matcher's code tables, the selection columns and the embedder in a background thread (so the first
buyer does not wait), and runs the lead delivery worker (bot/outbox.py) in another: queued leads are sent, retried
and dead-lettered from inside this process; `brandstation outbox work` does the same on its own.
"""

import asyncio
import logging
import os
import threading

log = logging.getLogger(__name__)


def _warm_up() -> None:
    from bot import providers
    from knowledge.selection import prepare

    try:
        service = providers.get_quote_service()
        service.matcher.prepare()
        prepare(service.engine.store)
        service.engine.search("10k 0603 resistor", k=1)  # the embedder and the index answer once
    except Exception:  # the first request then loads what it needs itself
        log.exception("warm-up failed")


def _deliver_leads() -> None:
    from bot.outbox import Outbox, Worker, routing_resolver
    from bot.settings import get_settings

    settings = get_settings()

    async def work() -> None:
        async with Worker(Outbox(settings.db()), routing_resolver(settings.routing_file)) as worker:
            await worker.run_forever(asyncio.Event(), poll_s=0.5)

    try:
        asyncio.run(work())
    except Exception:  # the thread must say why it stopped; jobs stay queued for a restart
        log.exception("lead delivery worker stopped; queued leads wait in the outbox")


if os.environ.get("BRANDSTATION_WARM_UP") == "1":
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    threading.Thread(target=_deliver_leads, name="lead-delivery", daemon=True).start()
