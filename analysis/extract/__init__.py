"""The extractor: one notice's text → table rows whose every value points back to a span of the source.

Stages, one module each: `normalize` (with an offset map back to the source) → `outline` (numbering levels) →
`problems`, `items` (measures) → `header`, `dates`, `totals`, `amounts`; `notice` runs them for one notice.
`extract_notice`, `extract_text` and `Extraction` are loaded on first use, so that a module of this package (the
date grammar, say) can be imported without the whole extractor and what it imports.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GIVEN_FACTS", "Extraction", "extract_notice", "extract_text"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from analysis.extract import notice

        return getattr(notice, name)
    raise AttributeError(f"module 'analysis.extract' has no attribute {name!r}")
