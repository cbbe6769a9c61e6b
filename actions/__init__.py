"""Rasa custom actions: thin adapters that read slots, make one call into bot/ or knowledge/, and reply."""
