"""Rasa custom actions: thin adapters that read slots, make one call into bot/ or knowledge/, and reply.

With BRANDSTATION_WARM_UP=1 (set by `brandstation serve`), the action server loads the catalog, indexes,
the BOM matcher's code tables and the selection columns in a background thread as it starts, so the first
buyer does not wait for them.
"""

import os
import threading


def _warm_up() -> None:
    from bot import providers
    from knowledge.selection import prepare

    service = providers.get_quote_service()
    service.matcher.prepare()
    prepare(service.engine.store)


if os.environ.get("BRANDSTATION_WARM_UP") == "1":
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
