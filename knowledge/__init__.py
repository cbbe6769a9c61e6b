"""Brandstation domain core: catalog, units, search, spec answers. Never imports rasa or aiohttp."""
