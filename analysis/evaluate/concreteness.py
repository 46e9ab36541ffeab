"""Precision and recall of the concreteness flags against the hand-coded sample (tests/data/measure_quality).

`python -m analysis.evaluate.concreteness` prints, for each flag, precision and recall on the tuning part, the
held-out part, the fresh check set (fresh.csv, coded later), the second fresh check set (fresh2.csv, coded blind,
tuned on in the third revision), the third (fresh3.csv, coded blind, tuned on in the fourth revision), the fourth
(fresh4.csv: real measures of other agencies' notices, coded blind, never tuned on) and all of them, and lists every
disagreement. The owner flag is given each measure's issuer, as the pipeline gives it (`issuer_of`). `draw_sample`,
`draw_fresh2` and `draw_fresh3` are the rules that chose the measures (the hand flags were then added by reading
each text); they are kept so that the choice can be rerun and checked.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from analysis import paths
from analysis.indicators.concreteness import FLAGS, measure_flags
from analysis.indicators.misclassification import ErrorCounts

SAMPLE_DIR = paths.TEST_DATA / "measure_quality"
SAMPLE = SAMPLE_DIR / "sample.csv"
FRESH = SAMPLE_DIR / "fresh.csv"  # coded after the sample's rules were tuned, before the owner rules were revised
FRESH2 = SAMPLE_DIR / "fresh2.csv"  # drawn and coded blind before the second revision; tuned on in the third
FRESH2_SEED = 16
FRESH2_SIZE = 120
FRESH2_FIRST_ID = 261
FRESH2_LATE_FOLDERS = ("real_check4",)  # appeared after fresh2's draw: all its measures were added, coded blind
FRESH3 = SAMPLE_DIR / "fresh3.csv"  # drawn and coded blind before the third revision; never tuned on
FRESH3_SEED = 17
FRESH3_FIRST_ID = 384
FRESH3_OTHER_FOLDERS = ("genre",)  # synthetic but genre-true notices (tests/data/genre), none of them coded before
FRESH3_OTHER_MAX = 80
# real measures of other agencies' notices, collected from stored web pages (their texts are not in the repo) and
# coded blind before the fourth revision was run on them; each row carries its page's issuer and address
FRESH4 = SAMPLE_DIR / "fresh4.csv"
# the same, collected and coded blind before the fifth revision was run on them (two collectors, one per family of
# agencies: a = party committees, enterprises, streets; b = departments, schools, audits, mass organisations); the
# page excerpts the spans index are in pages/
FRESH5 = (SAMPLE_DIR / "fresh5a.csv", SAMPLE_DIR / "fresh5b.csv")
# the same again, coded blind before the seventh revision was run on them (a = Party departments, courts, streets,
# zones, 人大; b = enterprises, schools, district committees, audits, public institutions, departments)
FRESH6 = (SAMPLE_DIR / "fresh6a.csv", SAMPLE_DIR / "fresh6b.csv")
# the same again, coded blind before the eighth revision was run on them (a = hospitals, townships, courts, police,
# 政协, 残联; b = audit offices' announcements, schools, bureaus, a community)
FRESH7 = (SAMPLE_DIR / "fresh7a.csv", SAMPLE_DIR / "fresh7b.csv")
# the same again, coded blind before the ninth revision was run on them (a = enterprises, mass organisations, a zone,
# a hospital, a city committee; b = towns and streets, county bureaus, audit offices, a school)
FRESH8 = (SAMPLE_DIR / "fresh8a.csv", SAMPLE_DIR / "fresh8b.csv")
# the same again, coded blind before the tenth revision was run on them (a = provinces A–J and national bodies,
# b = provinces L–Z)
FRESH9 = (SAMPLE_DIR / "fresh9a.csv", SAMPLE_DIR / "fresh9b.csv")
# the same again, coded blind before the eleventh revision was run on them (a = Party committees, governments and
# their departments; b = enterprises, schools, hospitals, mass organisations, audit reports)
FRESH10 = (SAMPLE_DIR / "fresh10a.csv", SAMPLE_DIR / "fresh10b.csv")
# the same again, coded blind before the twelfth revision was run on them (one collector, any agency, issuers not
# sampled before)
FRESH11 = SAMPLE_DIR / "fresh11.csv"
# the same again, still before any thirteenth revision (one collector; 7 of its 15 pages are news reports of one
# body's rectification rather than its own notice)
FRESH12 = SAMPLE_DIR / "fresh12.csv"
# the same again, by two collectors at once, before the thirteenth revision was committed and scored once by the twelfth
# and the thirteenth (a = zones, county and district organs; b = hospitals, schools, audit offices, a provincial media
# group); news reports were out
FRESH13 = SAMPLE_DIR / "fresh13.csv"
FRESH14 = SAMPLE_DIR / "fresh14.csv"
PAGES = SAMPLE_DIR / "pages"
# each page round's counts as the rules frozen before it first scored it (split, revision, flag, tp, fp, fn, tn): the
# honest figures for notices the rules had not seen, which later revisions' fits on the same rows do not replace
BLIND_SCORES = SAMPLE_DIR / "blind_scores.csv"
# 150 of the page measures (fresh6-fresh10), coded again by a second coder who saw the definitions and the earlier
# rounds' decisions
SECOND_CODER = SAMPLE_DIR / "second_coder.csv"
# the 145 measures of fresh11–fresh14, coded again by coders who saw the definitions only, none of the decisions (one
# helper for fresh11 and fresh12, another for fresh13 and fresh14)
SECOND_CODER_DEFINITIONS_ONLY = SAMPLE_DIR / "second_coder_definitions_only.csv"
SAMPLE_FILES = (
    SAMPLE,
    FRESH,
    FRESH2,
    FRESH3,
    FRESH4,
    *FRESH5,
    *FRESH6,
    *FRESH7,
    *FRESH8,
    *FRESH9,
    *FRESH10,
    FRESH11,
    FRESH12,
    FRESH13,
    FRESH14,
)  # every hand-coded measure, in the order coded
SAMPLE_SEED = 13
SAMPLE_SIZE = 200
HOLDOUT_SHARE = 1 / 3
REAL_FOLDERS = ("real", "real_check", "real_check2", "real_check3")
SPLITS = (
    "tune",
    "holdout",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
    "fresh12",
    "fresh13",
    "fresh14",
)
SAMPLE_COLUMNS = ("sample_id", "source", "doc_id", "problem_seq", "measure_seq", "span_start", "span_end", "split")


# Counts of one flag on one part of the sample (tp, fp, fn, tn), and the precision and recall they give.
Score = ErrorCounts


def _folder(source: str) -> Path:
    """The notices a sample's `source` names: the seeds, or a folder of the test data (its docs/ when it has one)."""
    folder = paths.RAW if source == "seed" else paths.TEST_DATA / source
    return folder / "docs" if (folder / "docs").is_dir() else folder


@cache
def _extractions(source: str) -> tuple:
    """The extraction of every readable notice of `source`, in file order (read once per process)."""
    from analysis.extract import extract_notice
    from analysis.read.sources import NoticeError, discover, read_notice

    out = []
    for path in sorted(discover([_folder(source)])):
        try:
            out.append(extract_notice(read_notice(path)))
        except NoticeError:
            continue
    return tuple(out)


def _extracted_measures(source: str) -> list[dict]:
    return [{**m, "source": source} for e in _extractions(source) for m in e.measures if m["part"] == "measure"]


def _issuers(source: str) -> dict[str, str | None]:
    """doc_id → issuer of the notices of `source`, as the extractor reads them: what the pipeline gives the owner
    flag."""
    return {e.document["doc_id"]: e.document["issuer"] for e in _extractions(source)}


def issuer_of(row: dict) -> str | None:
    """The issuer of a sampled measure's notice: the row's own `issuer` column (samples of pages not stored here),
    without the collector's note in brackets at its end (`…审计局(审计结果公告:平桥区外国语中学)`: the note names the
    audited school, which is not the issuer), else the extractor's reading of the notice the row names."""
    if row.get("issuer"):
        return re.sub(r"[(（][^()（）]*[)）]$", "", row["issuer"]) or row["issuer"]
    return _issuers(row["source"]).get(row["doc_id"]) if row.get("source") else None


def _largest_remainder(sizes: dict[str, int], total: int) -> dict[str, int]:
    whole = sum(sizes.values())
    quotas = {k: total * n / whole for k, n in sizes.items()}
    alloc = {k: int(q) for k, q in quotas.items()}
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - alloc[k]), k))[: total - sum(alloc.values())]:
        alloc[k] += 1
    return alloc


def draw_sample(size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[dict]:
    """The sample's measures (part = measure), chosen by a fixed rule before any flag was coded.

    Every measure the extractor finds in the real notices (tests/data/real*, which are excerpts and hold few) is
    taken; the rest of `size` is drawn from the five seeds' measures, allocated to each seed in proportion to its
    number of measures (largest remainder) and drawn with `random.Random(seed)`. A third of the sample, chosen by
    `random.Random(seed + 1)`, is held out: it was not looked at while the rules were tuned.
    """
    real = _real_measures(REAL_FOLDERS)
    seeds = _extracted_measures("seed")
    by_doc: dict[str, list[dict]] = {}
    for m in seeds:
        by_doc.setdefault(m["doc_id"], []).append(m)
    rng = random.Random(seed)
    chosen = list(real[:size])
    alloc = _largest_remainder({k: len(v) for k, v in by_doc.items()}, size - len(chosen))
    for doc_id in sorted(by_doc):
        chosen += sorted(rng.sample(by_doc[doc_id], alloc[doc_id]), key=lambda m: (m["problem_seq"], m["measure_seq"]))
    order = list(range(len(chosen)))
    random.Random(seed + 1).shuffle(order)
    held = set(order[: round(len(chosen) * HOLDOUT_SHARE)])
    return [_sample_row(m, i + 1, "holdout" if i in held else "tune") for i, m in enumerate(chosen)]


def _sample_row(m: dict, sample_id: int, split: str) -> dict:
    """A drawn measure as a row of a sample file (before its flags are coded)."""
    keys = ("source", "doc_id", "problem_seq", "measure_seq", "span_start", "span_end")
    return {"sample_id": sample_id, **{k: m[k] for k in keys}, "split": split, "text": m["text"]}


def _coded_spans(*samples: Path) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """The spans of the measures coded in `samples`, by (source, doc_id): what a later draw must leave out."""
    taken: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for path in samples:
        for row in read_sample(path, flags=False):
            taken.setdefault((row["source"], row["doc_id"]), []).append((int(row["span_start"]), int(row["span_end"])))
    return taken


def _overlaps(m: dict, taken: dict[tuple[str, str], list[tuple[int, int]]]) -> bool:
    spans = taken.get((m["source"], m["doc_id"]), [])
    return any(int(m["span_start"]) < b and a < int(m["span_end"]) for a, b in spans)


def _real_measures(folders: Sequence[str]) -> list[dict]:
    return [m for name in folders for m in _extracted_measures(name)]


def draw_fresh2(size: int = FRESH2_SIZE, seed: int = FRESH2_SEED) -> list[dict]:
    """The second fresh check set: measures not in sample.csv or fresh.csv, drawn by a fixed rule before coding.

    A measure counts as already coded when its span overlaps the span of a coded measure of the same source and
    notice (so a measure the extractor now cuts differently is still recognised). Half of `size` is meant for
    measures of the real notices of other agencies: all of the uncoded ones are taken when there are no more than
    half, else half are drawn with `random.Random(seed)`. The rest of `size` is drawn with the same generator from the
    five seeds' measures, allocated to each seed in proportion to its number of uncoded measures (largest
    remainder). When the draw was made, the real folders (`REAL_FOLDERS`) held no uncoded measure, so all of `size`
    came from the seeds; every measure of `FRESH2_LATE_FOLDERS`, which appeared after the draw, was then added (all
    of them, or half of `size` drawn after the seeds when there are more). Rows are numbered from `FRESH2_FIRST_ID`
    in the order drawn; `split` is "fresh2". The folders are fixed so that the draw reruns to the same rows while the
    extractor cuts the measures as it did then (the CSV stores each text, so it does not depend on that).
    """
    taken = _coded_spans(SAMPLE, FRESH)
    rng = random.Random(seed)
    real = [m for m in _real_measures(REAL_FOLDERS) if not _overlaps(m, taken)]
    chosen = real if len(real) <= size // 2 else rng.sample(real, size // 2)
    seeds = [m for m in _extracted_measures("seed") if not _overlaps(m, taken)]
    by_doc: dict[str, list[dict]] = {}
    for m in seeds:
        by_doc.setdefault(m["doc_id"], []).append(m)
    alloc = _largest_remainder({k: len(v) for k, v in by_doc.items()}, min(size - len(chosen), len(seeds)))
    for doc_id in sorted(by_doc):
        chosen += sorted(rng.sample(by_doc[doc_id], alloc[doc_id]), key=lambda m: (m["problem_seq"], m["measure_seq"]))
    late = [m for m in _real_measures(FRESH2_LATE_FOLDERS) if not _overlaps(m, taken)]
    chosen += late if len(late) <= size // 2 else rng.sample(late, size // 2)
    return [_sample_row(m, FRESH2_FIRST_ID + i, "fresh2") for i, m in enumerate(chosen)]


def draw_fresh3(other_max: int = FRESH3_OTHER_MAX, seed: int = FRESH3_SEED) -> list[dict]:
    """The third fresh check set: every measure not yet coded, drawn by a fixed rule before coding.

    A measure counts as already coded when its span overlaps the span of a measure of sample.csv, fresh.csv or
    fresh2.csv of the same source and notice. All of the seeds' uncoded measures are taken (in seed and text
    order), then the uncoded measures of the real folders (`REAL_FOLDERS` and `FRESH2_LATE_FOLDERS`) and of the
    other notices of the test data (`FRESH3_OTHER_FOLDERS`, read whole): all of them when there are no more than
    `other_max`, else `other_max` drawn with `random.Random(seed)`. Rows are numbered from `FRESH3_FIRST_ID` in that
    order; `split` is "fresh3".
    """
    taken = _coded_spans(SAMPLE, FRESH, FRESH2)
    chosen = [m for m in _extracted_measures("seed") if not _overlaps(m, taken)]
    chosen.sort(key=lambda m: (m["doc_id"], m["problem_seq"], m["measure_seq"]))
    other = [m for m in _real_measures(REAL_FOLDERS + FRESH2_LATE_FOLDERS) if not _overlaps(m, taken)]
    other += [m for name in FRESH3_OTHER_FOLDERS for m in _extracted_measures(name) if not _overlaps(m, taken)]
    if len(other) > other_max:
        picked = set(random.Random(seed).sample(range(len(other)), other_max))
        other = [m for i, m in enumerate(other) if i in picked]
    chosen += other
    return [_sample_row(m, FRESH3_FIRST_ID + i, "fresh3") for i, m in enumerate(chosen)]


def read_sample(path: Path = SAMPLE, flags: bool = True) -> list[dict]:
    """The hand-coded sample: one dict per measure, the four hand flags as bools (left as read when not `flags`)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows if flags else ():
        for flag in FLAGS:
            if row[flag] not in ("0", "1"):
                raise ValueError(f"{path}: sample {row['sample_id']}: {flag} must be 0 or 1, not {row[flag]!r}")
            row[flag] = row[flag] == "1"
    return rows


def _as_read(row: dict) -> str:
    """A sampled measure's text as the pipeline reads its notice: traditional characters mapped to simplified, then
    normalised (half-width, a repost's pinyin glosses dropped, broken lines joined)."""
    from analysis.extract.normalize import normalize
    from analysis.read.sources import simplified

    return normalize(simplified(row["text"], [])[0]).text


def score(rows: Iterable[dict]) -> dict[str, Score]:
    """Each flag's counts: the rule (`measure_flags` on the row's text) against the row's hand flag."""
    counts = {flag: [0, 0, 0, 0] for flag in FLAGS}
    for row in rows:
        found = measure_flags(_as_read(row), issuer_of(row))
        for flag in FLAGS:
            rule, hand = found[flag].value, row[flag]
            counts[flag][(0 if hand else 1) if rule else (2 if hand else 3)] += 1
    return {flag: Score(*c) for flag, c in counts.items()}


def disagreements(rows: Iterable[dict]) -> list[tuple[dict, str, bool]]:
    """(row, flag, rule's value) for every flag where the rule and the hand coding differ."""
    out = []
    for row in rows:
        found = measure_flags(_as_read(row), issuer_of(row))
        out += [(row, flag, found[flag].value) for flag in FLAGS if found[flag].value != row[flag]]
    return out


def report(rows: Sequence[dict]) -> str:
    """The table of precision and recall per flag on the tuning part, the held-out part and all rows."""
    splits = sorted({r["split"] for r in rows}, key=lambda name: (SPLITS.index(name) if name in SPLITS else 99, name))
    parts = {name: [r for r in rows if r["split"] == name] for name in splits} | {"all": list(rows)}
    lines = [f"{'flag':<16}" + "".join(f"{name + f' (n={len(part)})':>26}" for name, part in parts.items())]
    lines.append(f"{'':<16}" + "".join(f"{'P':>9}{'R':>8}{'pos':>9}" for _ in parts))
    scores = {name: score(part) for name, part in parts.items()}
    for flag in FLAGS:
        cells = ""
        for name in parts:
            s = scores[name][flag]
            cells += f"{s.precision:>9.3f}{s.recall:>8.3f}{s.tp + s.fn:>9d}"
        lines.append(f"{flag:<16}{cells}")
    return "\n".join(lines)


def coder_agreement(rows: Sequence[dict], second: Sequence[dict]) -> str:
    """Per flag, on the measures `second` coded again: how often the two coders agree and Cohen's kappa between them,
    the kappa of the rules with each coder (the rules were revised on the first coder's codes), and of the rules'
    misses and false finds by the first coder, how many the second coder reads as the first did."""
    from sklearn.metrics import cohen_kappa_score

    first = {row["sample_id"]: row for row in rows}
    both = [(first[again["sample_id"]], again) for again in second]
    header = f"{'flag':<16}{'n':>5}{'agree':>8}{'kappa 1-2':>11}{'kappa rule-1':>14}{'kappa rule-2':>14}"
    lines = [header + f"{'misses, 2 agrees':>18}{'false, 2 agrees':>17}"]
    found = {row["sample_id"]: measure_flags(_as_read(row), issuer_of(row)) for row, _ in both}
    for flag in FLAGS:
        one = [row[flag] for row, _ in both]
        two = [again[flag] for _, again in both]
        rule = [found[row["sample_id"]][flag].value for row, _ in both]
        agree = sum(a == b for a, b in zip(one, two, strict=True)) / len(both)
        kappas = (cohen_kappa_score(one, two), cohen_kappa_score(rule, one), cohen_kappa_score(rule, two))
        misses = [b for a, b, r in zip(one, two, rule, strict=True) if a and not r]
        false = [not b for a, b, r in zip(one, two, rule, strict=True) if r and not a]
        lines.append(
            f"{flag:<16}{len(both):>5}{agree:>8.3f}"
            + "".join(f"{k:>{w}.3f}" for k, w in zip(kappas, (11, 14, 14), strict=True))
            + f"{f'{sum(misses)} of {len(misses)}':>18}{f'{sum(false)} of {len(false)}':>17}"
        )
    return "\n".join(lines)


def wilson_interval(successes: int, trials: int, alpha: float = 0.05) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default): a share's range that stays inside [0, 1] and
    holds on small counts. Measures of one page are not independent, so read it as a lower bound on the
    uncertainty."""
    if trials == 0:
        return 0.0, 1.0
    from statsmodels.stats.proportion import proportion_confint  # the project's Wilson interval (analysis.compare)

    low, high = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def read_blind_scores(path: Path = BLIND_SCORES) -> list[dict]:
    """The rows of `BLIND_SCORES`, counts as integers."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{**row, **{k: int(row[k]) for k in ("tp", "fp", "fn", "tn")}} for row in csv.DictReader(fh)]


def pooled_counts(rows: Sequence[dict]) -> dict[str, ErrorCounts]:
    """Each flag's counts summed over the rows of `read_blind_scores`: the error rates to correct shares with
    (`analysis.indicators.misclassification`)."""
    return {
        flag: ErrorCounts(*(sum(row[k] for row in rows if row["flag"] == flag) for k in ("tp", "fp", "fn", "tn")))
        for flag in FLAGS
    }


def pooled_blind(rows: Sequence[dict]) -> str:
    """Precision and recall of each flag pooled over the blind rounds, with their 95% Wilson intervals."""
    lines = [f"{'flag':<16}{'P':>7}{'95% interval':>17}{'R':>8}{'95% interval':>17}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for flag, counts in pooled_counts(rows).items():
        tp, fp, fn = counts.tp, counts.fp, counts.fn
        (p_low, p_high), (r_low, r_high) = wilson_interval(tp, tp + fp), wilson_interval(tp, tp + fn)
        precision, recall = counts.precision, counts.recall
        lines.append(
            f"{flag:<16}{precision:>7.3f}   [{p_low:.3f}, {p_high:.3f}]{recall:>8.3f}   [{r_low:.3f}, {r_high:.3f}]"
            f"{tp:>6}{fp:>5}{fn:>5}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the scores and every disagreement (`--quiet` for the scores only)."""
    args = list(sys.argv[1:] if argv is None else argv)
    rows = [row for path in SAMPLE_FILES for row in read_sample(path)]
    print(report(rows))
    if BLIND_SCORES.is_file():
        blind = read_blind_scores()
        rounds = sorted({row["split"] for row in blind}, key=SPLITS.index)
        print(
            f"\nBlind, pooled over {rounds[0]}–{rounds[-1]} (each round as first scored by the rules frozen before it):"
        )
        print(pooled_blind(blind))
    if SECOND_CODER.is_file():
        print("\nSecond coder (the same measures coded again, blind to the first codes and to the rules):")
        print(coder_agreement(rows, read_sample(SECOND_CODER)))
    if SECOND_CODER_DEFINITIONS_ONLY.is_file():
        print("\nSecond coder of fresh11–fresh14, with the definitions only (none of the rounds' decisions):")
        print(coder_agreement(rows, read_sample(SECOND_CODER_DEFINITIONS_ONLY)))
    if "--quiet" not in args:
        print()
        for row, flag, rule in disagreements(rows):
            print(
                f"[{row['split']}] #{row['sample_id']} {flag}: rule {int(rule)}, hand {int(row[flag])}: {row['text']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
