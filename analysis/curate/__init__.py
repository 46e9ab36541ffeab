"""Curate: the researchers' corrections and the consistency checks applied to extracted rows."""
