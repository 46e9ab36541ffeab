"""Evaluate: measure extraction and categories against hand-checked gold."""
