"""Custom Rasa NLU components: rule-based entity extraction for part numbers, attributes and language."""
