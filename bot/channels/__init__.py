"""Rasa input channels (web chat socket.io; IM connectors later)."""
