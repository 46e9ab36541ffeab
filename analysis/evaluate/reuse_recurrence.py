"""How well reuse and recurrence do on real notices: what the README reports, measured again by one command.

    python -m analysis.evaluate.reuse_recurrence

- **Reuse recall.** The notices are the real ones under tests/data (every `docs/` folder) and the five seeds, read
  as files. The truth is brute force: two notices share a passage when a line of each holds the same run of
  `reuse.MIN_PASSAGE` content characters (punctuation and spacing removed) and that run is in at most
  `reuse.MAX_NOTICES` notices. Recall is the share of those pairs of notices `reuse.shared_passages` pairs.
- **Recurrence, false matches.** The same real notices are extracted; every pair of notices of different issuers
  is matched (`recurrence.match_all`): no problem can recur across two bodies, so each later problem at or above a
  threshold is a false recurrence. Printed per threshold of `recurrence.SENSITIVITY`, with the highest matches.
- **Recurrence, constructed pair.** Precision and recall at `recurrence.THRESHOLD` against tests/data/recurrence's
  gold (the only two-round pair there is: a constructed one).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from analysis import paths
from analysis.indicators import recurrence, reuse

if TYPE_CHECKING:
    import pandas as pd

REAL_DOCS = sorted(paths.TEST_DATA.glob("real*/docs"))
PAIR = paths.TEST_DATA / "recurrence"


def real_texts() -> dict[str, str]:
    """The real notices and the seeds as read from their files, keyed `<folder>/<file stem>`."""
    files = [path for folder in REAL_DOCS for path in sorted(folder.glob("*.txt"))] + sorted(paths.RAW.glob("*.txt"))
    return {f"{path.parent.parent.name}/{path.stem}": path.read_text(encoding="utf-8-sig") for path in files}


def pairs_sharing_a_run(texts: Mapping[str, str]) -> set[tuple[str, str]]:
    """Pairs of notices (sorted) with a line each holding the same run of MIN_PASSAGE content characters, the run
    being in at most MAX_NOTICES notices: the brute-force truth for reuse recall."""
    holders: dict[str, set[str]] = defaultdict(set)
    for doc_id, text in texts.items():
        for line in text.split("\n"):
            content = reuse._NOT_CONTENT.sub("", line)
            for start in range(len(content) - reuse.MIN_PASSAGE + 1):
                holders[content[start : start + reuse.MIN_PASSAGE]].add(doc_id)
    truth: set[tuple[str, str]] = set()
    for docs in holders.values():
        if 1 < len(docs) <= reuse.MAX_NOTICES:
            truth.update(itertools.combinations(sorted(docs), 2))
    return truth


def reuse_recall(texts: Mapping[str, str]) -> tuple[int, int, int]:
    """(pairs in the truth, pairs found, pairs both)."""
    passages = reuse.shared_passages(texts)
    found = set(zip(passages["doc_id_a"], passages["doc_id_b"], strict=True))
    truth = pairs_sharing_a_run(texts)
    return len(truth), len(found), len(truth & found)


def false_recurrences(problems: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Every later problem matched across two notices of different issuers (MATCH_COLUMNS)."""
    keys = dict(zip(documents["doc_id"], recurrence.round_key(documents), strict=True))
    ids = sorted(problems["doc_id"].unique())
    pairs = [(a, b) for a, b in itertools.combinations(ids, 2) if keys.get(a) is None or keys.get(a) != keys.get(b)]
    return recurrence.match_all(problems, pairs)


def constructed_pair_scores() -> tuple[float, float]:
    """Precision and recall at THRESHOLD on the constructed pair of tests/data/recurrence."""
    import pandas as pd

    from analysis.engine.pipeline import extract_paths

    result = extract_paths(sorted(PAIR.glob("*.txt")), None)
    matches = recurrence.recurrence(result.tables["problems"], result.tables["documents"])
    found = matches[matches["similarity"] >= recurrence.THRESHOLD]
    predicted = set(zip(found["problem_seq_later"].astype(int), found["problem_seq_earlier"].astype(int), strict=True))
    gold = pd.read_csv(PAIR / "gold.csv").dropna()
    truth = set(zip(gold["problem_seq_later"].astype(int), gold["problem_seq_earlier"].astype(int), strict=True))
    hits = len(predicted & truth)
    return (hits / len(predicted) if predicted else float("nan")), hits / len(truth)


def main() -> None:
    """Print the three measurements."""
    import pandas as pd

    from analysis.engine.pipeline import extract_paths

    texts = real_texts()
    truth, found, both = reuse_recall(texts)
    print(f"reuse: {len(texts)} notices; {truth} pairs share a run of {reuse.MIN_PASSAGE} content characters")
    print(f"  found {found} pairs, {both} of them in the truth: recall {both / truth:.3f}")

    result = extract_paths([*REAL_DOCS, paths.RAW], None)
    matches = false_recurrences(result.tables["problems"], result.tables["documents"])
    highest = matches["similarity"].max()
    print(f"recurrence across issuers: {len(matches)} later problems matched, highest {highest:.3f}")
    for threshold in recurrence.SENSITIVITY:
        print(f"  at {threshold:.2f}: {int((matches['similarity'] >= threshold).sum())} false recurrences")
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(matches.nlargest(5, "similarity")[["title_later", "title_earlier", "similarity"]].to_string())

    precision, recall = constructed_pair_scores()
    print(f"constructed pair at {recurrence.THRESHOLD}: precision {precision:.2f}, recall {recall:.2f}")


if __name__ == "__main__":
    main()
