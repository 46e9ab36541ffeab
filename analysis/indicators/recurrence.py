"""Recurrence: does a problem reported after one round come back in the next (屡改屡犯, 回头看)?

For an issuer with notices from two rounds — two notices of the same issuer with different dates, or a 回头看 notice
after an earlier one — each problem of the later notice is matched to at most one problem of the earlier notice:

- **Similarity**: cosine of character n-gram TF-IDF vectors (`NGRAMS`, scikit-learn) of each problem's title and
  description. Character n-grams need no word segmentation, and they tolerate the rewording between rounds (the
  same 公务接待 problem is described with other figures and dates). IDF is fitted on the two notices' problems, so
  wording every problem of the pair shares (问题, 整改) weighs little.
- **Assignment**: one-to-one, maximising the total similarity (`scipy.optimize.linear_sum_assignment`), so one
  earlier problem cannot explain two later ones.
- **Recurrence**: a matched later problem whose similarity is at least `THRESHOLD`. The share of later problems that
  recur depends on that line, so `sensitivity` gives it at every line of `SENSITIVITY`.

Every match carries both problems' spans into the stored texts, so a reader can check each claim.

A notice can also say itself that a problem was found before (上一轮巡察反馈……依然存在): `stated_recurrence` finds
those words, with their spans, in notices that have no earlier notice to be matched against.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

NGRAMS = (2, 3)  # character n-gram lengths: bigrams carry most Chinese words, trigrams the set phrases
# Cosine from which a matched later problem counts as the earlier one reported again. Set on real negatives: among
# the five seeds (five bodies, so no problem of one can recur in another) the best one-to-one match of every problem
# against each other notice stays below 0.26 (426 problems, 10 pairs); the line sits above all of them.
THRESHOLD = 0.3
SENSITIVITY = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)  # lines at which the share of recurring problems is also reported
BASELINE_NOTICES = 10  # notices whose pairs across issuers give the false-recurrence baseline (45 pairs at most)
LOOK_BACK = "回头看"  # a notice about a look-back review answers an earlier round by definition

# Words by which a problem says itself that it was found before: a recurrence stated in one notice, needing no
# earlier notice (咸宁: "上一轮巡察反馈：……本轮巡察依然存在"). Matched in the problem's title and description only:
# its measures say 回头看 or 再次 of the rectification itself (中山: 开展"回头看", 全面自查).
STATED = re.compile(
    r"上一?轮(?:巡察|巡视|审计)|前一?轮(?:巡察|巡视)|上一?次(?:巡察|巡视|审计)|以前年度审计"
    r"|屡改屡犯|屡查屡犯|反复出现|依然存在|仍然存在|仍未(?:整改|落实)|整改不彻底"
)
_PARTY_FRAME = re.compile(r"^中共|^中国共产党|(?:党组|党委|党工委|党总支|党支部|委员会)$")
_SPACE = re.compile(r"\s+")
_TITLE_FRAME = re.compile(r"^(?:关于|针对)|[“”\"‘’]|的?问题(?:的)?(?:整改)?(?:情况)?$")
_RELATIVE = "市县区省本"  # first characters of an issuer named relative to its place (市审计局, 区委巡察办, 本局)

ROUND_COLUMNS = ["issuer_key", "doc_id_earlier", "doc_id_later", "date_earlier", "date_later", "reason"]
MATCH_COLUMNS = [
    "doc_id_later",
    "problem_seq_later",
    "span_start_later",
    "span_end_later",
    "doc_id_earlier",
    "problem_seq_earlier",
    "span_start_earlier",
    "span_end_earlier",
    "similarity",
    "title_later",
    "title_earlier",
]
STATED_COLUMNS = ["doc_id", "problem_seq", "phrase", "span_start", "span_end"]
SENSITIVITY_COLUMNS = ["doc_id_earlier", "doc_id_later", "threshold", "n_later", "n_recurring", "share_recurring"]


def issuer_key(issuer: object) -> str | None:
    """The issuer without its Party frame (中共…党组, …委员会) or spacing: 中共东营市大数据局党组 → 东营市大数据局, so a
    bureau's Party-group notice and its own audit notice count as one issuer; None when the issuer is unknown."""
    if not isinstance(issuer, str) or not issuer.strip():
        return None
    key = _SPACE.sub("", issuer)
    while True:
        shorter = _PARTY_FRAME.sub("", key)
        if shorter == key or not shorter:
            return key
        key = shorter


def round_key(documents: pd.DataFrame) -> pd.Series:
    """Which notices share an issuer: province/city/county/`issuer_key`. The place is part of it because issuers
    name themselves relative to it (市审计局 of two cities are two issuers); a relative name (市…, 县…, 区…, 省…)
    with no place known gives None."""
    import pandas as pd

    keys = []
    for row in documents.itertuples(index=False):
        key = issuer_key(row.issuer)
        place = [p for p in (row.province, row.city, row.county) if isinstance(p, str) and p]
        if key is None or (not place and key[0] in _RELATIVE):
            keys.append(None)
        else:
            keys.append("/".join([*place, key]))
    return pd.Series(keys, index=documents.index, dtype="object")


def notice_date(documents: pd.DataFrame) -> pd.Series:
    """The date a notice stands at: published_date, else feedback_date, else review_end, else review_start."""
    date = documents["published_date"]
    for column in ("feedback_date", "review_end", "review_start"):
        date = date.fillna(documents[column])
    return date


def round_pairs(documents: pd.DataFrame) -> pd.DataFrame:
    """Pairs of notices of one issuer from two rounds: ROUND_COLUMNS, one row per consecutive pair in date order.

    Notices of one issuer (compared by `round_key`) are ordered by `notice_date`; each notice with a known date later
    than the previous one's forms a pair with it. reason is 'look-back' when the later title names a 回头看, else
    'later round'. Notices without an issuer or a date are left out: their order cannot be known.
    """
    import pandas as pd

    frame = documents.assign(issuer_key=round_key(documents), date=notice_date(documents))
    frame = frame.dropna(subset=["issuer_key", "date"]).sort_values(["issuer_key", "date", "doc_id"], kind="stable")
    rows = []
    for key, group in frame.groupby("issuer_key", sort=True):
        notices = list(group.itertuples(index=False))
        for earlier, later in itertools.pairwise(notices):
            if later.date <= earlier.date:
                continue
            look_back = isinstance(later.title, str) and LOOK_BACK in later.title
            rows.append(
                (
                    key,
                    earlier.doc_id,
                    later.doc_id,
                    earlier.date,
                    later.date,
                    "look-back" if look_back else "later round",
                )
            )
    return pd.DataFrame(rows, columns=ROUND_COLUMNS)


def problem_text(problems: pd.DataFrame) -> pd.Series:
    """What is compared: the problem's title without the frame many titles share (关于“…”问题的整改情况, 针对…的问题,
    which made 农村违建频发 and 政治引领有短板 look alike), then its description; spacing removed."""
    description = problems["description"].astype("object").where(problems["description"].notna(), "")
    title = problems["title"].astype(str).str.replace(_SPACE, "", regex=True).str.replace(_TITLE_FRAME, "", regex=True)
    return (title + "。" + description.astype(str)).str.replace(_SPACE, "", regex=True)


def similarity_matrix(later: Sequence[str], earlier: Sequence[str]) -> object:
    """Cosine similarity (numpy array, len(later) × len(earlier)) of character n-gram TF-IDF vectors, the IDF fitted
    on both lists."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True)
    vectors = vectorizer.fit_transform([*later, *earlier])  # rows are L2-normalised: the dot product is the cosine
    return linear_kernel(vectors[: len(later)], vectors[len(later) :])


def match_problems(problems: pd.DataFrame, doc_id_earlier: str, doc_id_later: str) -> pd.DataFrame:
    """Each problem of the later notice with its one-to-one match in the earlier notice: MATCH_COLUMNS.

    A later problem left without a partner (the later notice lists more problems) has null problem_seq_earlier,
    spans and title_earlier, and similarity 0.
    """
    import numpy as np
    import pandas as pd
    from scipy.optimize import linear_sum_assignment

    later = problems[problems["doc_id"] == doc_id_later].sort_values("problem_seq")
    earlier = problems[problems["doc_id"] == doc_id_earlier].sort_values("problem_seq")
    partner = np.full(len(later), -1)
    score = np.zeros(len(later))
    if len(later) and len(earlier):
        matrix = similarity_matrix(list(problem_text(later)), list(problem_text(earlier)))
        rows, columns = linear_sum_assignment(matrix, maximize=True)
        partner[rows], score[rows] = columns, matrix[rows, columns]
    records = []
    for position, row in enumerate(later.itertuples(index=False)):
        match = earlier.iloc[partner[position]] if partner[position] >= 0 else None
        records.append(
            (
                doc_id_later,
                row.problem_seq,
                row.span_start,
                row.span_end,
                doc_id_earlier,
                match["problem_seq"] if match is not None else None,
                match["span_start"] if match is not None else None,
                match["span_end"] if match is not None else None,
                round(float(score[position]), 6),  # rounded: the last bits of a BLAS dot product vary by machine
                row.title,
                match["title"] if match is not None else None,
            )
        )
    frame = pd.DataFrame(records, columns=MATCH_COLUMNS)
    integers = [c for c in MATCH_COLUMNS if c.startswith(("problem_seq", "span_"))]
    return frame.astype(dict.fromkeys(integers, "Int64"))


def match_all(problems: pd.DataFrame, pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """`match_problems` for every (doc_id_earlier, doc_id_later) of `pairs`, concatenated (MATCH_COLUMNS)."""
    import pandas as pd

    frames = [match_problems(problems, earlier, later) for earlier, later in pairs]
    if not frames:
        return match_problems(problems.iloc[0:0], "", "")
    return pd.concat(frames, ignore_index=True)


def across_issuers(problems: pd.DataFrame, documents: pd.DataFrame, limit: int = BASELINE_NOTICES) -> pd.DataFrame:
    """The false-recurrence baseline: `match_all` over every pair of notices of *different* issuers (by
    `round_key`; an unknown key counts as different) among the first `limit` notices in doc_id order. No problem can
    recur across two bodies, so the similarities show how high unrelated problems on similar topics score."""
    ids = sorted(documents["doc_id"])[:limit]
    keys = dict(zip(documents["doc_id"], round_key(documents), strict=True))
    pairs = [(a, b) for a, b in itertools.combinations(ids, 2) if keys[a] is None or keys[a] != keys[b]]
    return match_all(problems, pairs)


def recurrence(problems: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """`match_problems` for every pair of `round_pairs(documents)`, concatenated (MATCH_COLUMNS)."""
    pairs = round_pairs(documents)
    return match_all(problems, zip(pairs["doc_id_earlier"], pairs["doc_id_later"], strict=True))


def sensitivity(matches: pd.DataFrame, thresholds: Iterable[float] = SENSITIVITY) -> pd.DataFrame:
    """Per pair of notices and threshold: later problems, those matched at or above the threshold, and their share
    (SENSITIVITY_COLUMNS)."""
    import pandas as pd

    rows = []
    for (later, earlier), group in matches.groupby(["doc_id_later", "doc_id_earlier"], sort=True):
        for threshold in thresholds:
            recurring = int((group["similarity"] >= threshold).sum())
            rows.append((earlier, later, threshold, len(group), recurring, recurring / len(group)))
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def share_recurring(matches: pd.DataFrame, threshold: float = THRESHOLD) -> float:
    """The share of the later problems in `matches` matched at or above `threshold` (NaN when there are none)."""
    return float((matches["similarity"] >= threshold).mean()) if len(matches) else float("nan")


def stated_recurrence(problems: pd.DataFrame, texts: Mapping[str, str]) -> pd.DataFrame:
    """Every phrase of `STATED` in a problem's title and description, as they stand in its stored text (texts:
    doc_id → stored text): STATED_COLUMNS, the span being the phrase's. A problem appears once per phrase it holds;
    when its description cannot be found verbatim in its span, the whole span is searched."""
    import pandas as pd

    rows = []
    for row in problems.sort_values(["doc_id", "problem_seq"]).itertuples(index=False):
        text = texts.get(row.doc_id)
        if text is None:
            continue
        start, end = int(row.span_start), int(row.span_end)
        # the statement ends where the description ends, or the title when there is no description
        part = row.description if isinstance(row.description, str) and row.description else row.title
        found = text.find(part, start, end) if isinstance(part, str) and part else -1
        if found >= 0:
            end = found + len(part)
        for match in STATED.finditer(text, start, end):
            rows.append((row.doc_id, row.problem_seq, match.group(), match.start(), match.end()))
    return pd.DataFrame(rows, columns=STATED_COLUMNS).astype(
        {"problem_seq": "int64", "span_start": "int64", "span_end": "int64"}
    )
