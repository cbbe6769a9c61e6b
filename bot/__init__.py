"""Brandstation application services: settings, providers, CLI, web chat."""
