"""Report: figures, their style, audit pages and executed notebooks."""
