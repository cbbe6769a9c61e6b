"""The buyer-facing web chat page: static assets and the small aiohttp app that serves them."""
