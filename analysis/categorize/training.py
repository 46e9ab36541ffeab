"""Rebuild the shipped training set: the gold coding of the seed notices plus the text the extractor reads, and the
real problem statements of other agencies (tests/data/real/problem_categories.csv and
tests/data/category_statements/), each row with its provenance.

    python -m analysis.categorize.training            rewrite analysis/data/category_training.csv
    python -m analysis.categorize.training --check    exit 1 (and say why) when the shipped file is not a rebuild

Titles, headings and categories come from the hand-coded gold problems (tests/data/gold/problems.csv); description
and measures from extracting data/raw without corrections, so that the training text is what the extractor reads
from the published notices. A gold problem the extraction does not reproduce (missing, or another title) stops the
build: training text must belong to the problem it is filed under.

The real statements (233 problem headings of 51 issuers: courts, hospitals, universities, mass organisations, state
firms, townships, audit findings…, coded twice by the codebook, κ 0.92; then 278 more of 60 source pages, each file
coded by one coder) carry their agreed category, their issuer, agency type and source page. They have a title
only. Every row says where it comes from: `source` ("seed" or "real"), `id` (city_key-problem_seq or the statement
id), `url`, `issuer` and `agency_type` ("data_bureau" for the seeds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis.categorize.codebook import TRAINING_COLUMNS, TRAINING_CSV
from analysis.categorize.fields import with_measures
from analysis.paths import GOLD, RAW, RAW_METADATA, TEST_DATA

# Real statements of other agencies, in the order they were collected (the second collection in its README).
REAL_STATEMENTS = (
    TEST_DATA / "real" / "problem_categories.csv",
    TEST_DATA / "category_statements" / "statements_b.csv",
    TEST_DATA / "category_statements" / "statements_c.csv",
    TEST_DATA / "category_statements" / "statements_d.csv",
)
SEED_AGENCY_TYPE = "data_bureau"


def build_training(
    gold: pd.DataFrame,
    problems: pd.DataFrame,
    measures: pd.DataFrame,
    real: pd.DataFrame | None = None,
    metadata: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The training table (TRAINING_COLUMNS, all text) of `gold` problems, with the extracted text of each.

    `gold` has city_key, problem_seq, title, area, topic, category; `problems` (doc_id, problem_seq, title,
    description) and `measures` (doc_id, problem_seq, text, part) are extracted tables, doc_id being the city key.
    `real` (id, issuer, agency_type, url, title, category) are real statements appended after the seeds; `metadata`
    (data/raw/metadata.csv: file, issuer, source_url) gives the seeds' issuer and source page.
    Raises ValueError listing every gold problem that is not extracted, or extracted with another title.
    """
    extracted = {
        (str(d), int(s)): (str(t), "" if pd.isna(desc) else str(desc))
        for d, s, t, desc in zip(
            problems["doc_id"], problems["problem_seq"], problems["title"], problems["description"], strict=True
        )
    }
    issues = []
    descriptions = []
    for city, seq, title in zip(gold["city_key"], gold["problem_seq"], gold["title"], strict=True):
        found = extracted.get((str(city), int(seq)))
        if found is None:
            issues.append(f"{city} problem {seq}: not extracted")
        elif found[0] != title:
            issues.append(f"{city} problem {seq}: extracted title {found[0]!r} is not the gold title {title!r}")
        descriptions.append(found[1] if found else "")
    if issues:
        raise ValueError("the extraction does not reproduce the gold problems:\n" + "\n".join(issues))
    out = with_measures(gold.assign(description=descriptions), measures)
    out["problem_seq"] = out["problem_seq"].astype(int).astype(str)
    out["source"] = "seed"
    out["id"] = out["city_key"] + "-" + out["problem_seq"]
    seeds = {}
    if metadata is not None:
        seeds = {
            str(f).rsplit(".", 1)[0]: (str(i), str(u))
            for f, i, u in zip(metadata["file"], metadata["issuer"], metadata["source_url"], strict=True)
        }
    out["issuer"] = [seeds.get(c, ("", ""))[0] for c in out["city_key"]]
    out["url"] = [seeds.get(c, ("", ""))[1] for c in out["city_key"]]
    out["agency_type"] = SEED_AGENCY_TYPE
    if real is not None:
        statements = real.assign(source="real", city_key="", problem_seq="", area="", topic="", description="")
        out = pd.concat([out, statements.assign(measures="")], ignore_index=True)
    return out[TRAINING_COLUMNS].fillna("").astype(str).reset_index(drop=True)


def rebuild_training(
    raw: Path = RAW, gold_csv: Path = GOLD / "problems.csv", real_csvs: tuple[Path, ...] = REAL_STATEMENTS
) -> pd.DataFrame:
    """Extract the notices under `raw` and build the training table for the gold problems in `gold_csv`, followed by
    the real statements of the files `real_csvs` (none: seeds only)."""
    from analysis.extract import extract_notice
    from analysis.read.sources import discover, read_notice

    problems: list[dict] = []
    measures: list[dict] = []
    for path in sorted(discover([raw])):
        extraction = extract_notice(read_notice(path))
        problems += extraction.problems
        measures += extraction.measures
    gold = pd.read_csv(gold_csv, dtype=str, keep_default_na=False)
    real = (
        pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in real_csvs], ignore_index=True)
        if real_csvs
        else None
    )
    metadata_csv = raw / RAW_METADATA.name
    metadata = pd.read_csv(metadata_csv, dtype=str, keep_default_na=False) if metadata_csv.exists() else None
    return build_training(gold, pd.DataFrame(problems), pd.DataFrame(measures), real, metadata)


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, compare against) the shipped training file; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m analysis.categorize.training", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the shipped file is a rebuild")
    args = parser.parse_args(argv)
    rebuilt = rebuild_training()
    if args.check:
        shipped = pd.read_csv(TRAINING_CSV, dtype=str, keep_default_na=False)
        if shipped.equals(rebuilt):
            print(f"{TRAINING_CSV.name}: up to date ({len(rebuilt)} problems)")
            return 0
        print(
            f"{TRAINING_CSV.name}: differs from a rebuild; run python -m analysis.categorize.training", file=sys.stderr
        )
        return 1
    rebuilt.to_csv(TRAINING_CSV, index=False, lineterminator="\n")
    print(f"wrote {TRAINING_CSV} ({len(rebuilt)} problems)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
