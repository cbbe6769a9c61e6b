"""The Rasa server with bot/rasa_speedups.py and the tracker store's outage reply (bot/tracker_store.py):
`python -m bot.rasa_server run ...` takes `python -m rasa`'s arguments."""

from __future__ import annotations

from bot.rasa_speedups import install
from bot.tracker_store import install_outage_reply


def main() -> None:
    """Install the speed-ups and the outage reply, then hand over to Rasa's own command line (it reads sys.argv)."""
    install()
    install_outage_reply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
