"""Consistency findings of one notice: what it states about itself against what was itemised."""

from __future__ import annotations

from collections import Counter

_DONE = ("complete", "deemed_complete")


def findings(document: dict, problems: list[dict], cut: bool = False) -> list[str]:
    """Plain-language findings; an empty list means the stated and itemised totals agree.

    `cut`: the text stops in mid-sentence (a page cut short); reported with the problem it ends inside, if any.
    """
    out: list[str] = []
    n_problems = document["problems_extracted"]
    n_measures = document["measures_extracted"]
    stated = document.get("problems_reported")
    if stated is not None and stated != n_problems:
        out.append(f"states {stated} problems, itemises {n_problems}")
    stated = document.get("measures_reported")
    if stated is not None and stated != n_measures:
        out.append(f"states {stated} measures, itemises {n_measures}")
    statuses = Counter(p["status"] for p in problems)
    stated = document.get("problems_completed_reported")
    done = sum(statuses[s] for s in _DONE)
    if stated is not None and stated != done:
        out.append(f"states {stated} problems completed, itemises {done} as complete or deemed complete")
    stated = document.get("problems_in_progress_reported")
    if stated is not None and stated != statuses["in_progress"]:
        out.append(f"states {stated} problems in progress, itemises {statuses['in_progress']}")
    inside = [p for p in problems if p.get("truncated")]
    if inside:
        last = inside[-1]
        out.append(f"text cut short inside problem {last['label'] or last['title']}: kept, marked truncated")
    elif cut:
        out.append("text cut short: it ends in mid-sentence, outside the problems")
    without = [p["label"] for p in problems if p["n_measures"] == 0 and not p.get("truncated")]
    if without:
        out.append(f"{len(without)} problem(s) without measures: {', '.join(without)}")
    if document.get("unmapped_status_phrases"):
        out.append(f"unmapped status phrase(s): {document['unmapped_status_phrases']}")
    if n_problems == 0:
        out.append("no problems itemised")
    return out
