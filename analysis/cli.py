"""Command line: `python -m analysis build | extract | evaluate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis import paths


def main(argv: list[str] | None = None) -> int:
    """Run a command; the exit status is non-zero when any notice failed or the inputs were unusable."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build_command = commands.add_parser("build", help="rebuild data/processed from data/raw")

    extract = commands.add_parser("extract", help="extract the given notice files or folders into --out DIR")
    extract.add_argument("paths", nargs="+", type=Path)
    extract.add_argument("--out", type=Path, required=True, help="folder for the tables (not data/processed)")
    extract.add_argument("--no-audit", action="store_true", help="leave out the audit pages (very large corpora)")
    extract.add_argument(
        "--indicators",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="compute the indicator tables (default: for corpora up to 500 notices)",
    )
    for command in (build_command, extract):
        command.add_argument(
            "--workers", type=_positive, default=None, help="worker processes (default: every core; 1 runs here)"
        )

    commands.add_parser("figures", help="regenerate figures/ from data/processed (Chinese and English)")
    commands.add_parser("notebooks", help="execute the notebooks and render them, and one report per city, as HTML")

    categorize = commands.add_parser("categorize", help="problem categories for a CSV of problems (id, title, …)")
    categorize.add_argument("input", type=Path, help="CSV with id and title (optional description, measures)")
    categorize.add_argument("--out", type=Path, required=True, help="CSV to write (never the input)")

    evaluate = commands.add_parser("evaluate", help="compare an extraction with a gold folder")
    evaluate.add_argument("--gold", type=Path, default=paths.GOLD)
    evaluate.add_argument("--extraction", type=Path, default=paths.PROCESSED)
    evaluate.add_argument("--json", action="store_true", help="print the full result as JSON")
    evaluate.add_argument(
        "--real", type=Path, metavar="DIR", help="score a folder of real notices laid out like tests/data/real"
    )
    evaluate.add_argument(
        "--compare",
        type=Path,
        metavar="JSON",
        help="with --real: print only what changed since an earlier run saved with --json",
    )

    args = parser.parse_args(argv)
    if args.command == "build":
        from analysis.engine.pipeline import build

        return build(workers=args.workers)
    if args.command == "figures":
        from analysis.engine.pipeline import render_figures

        return render_figures()
    if args.command == "notebooks":
        from analysis.report.notebooks import render_notebooks

        written = render_notebooks()
        print(f"wrote {len(written)} HTML files to reports/")
        return 0
    if args.command == "categorize":
        from analysis.categorize.command import categorize_csv

        return categorize_csv(args.input, args.out)
    if args.command == "extract":
        from analysis.engine.pipeline import extract_to

        if args.out.resolve() == paths.PROCESSED.resolve():
            parser.error("--out must not be data/processed: use `build` to rebuild it")
        return extract_to(
            args.paths, args.out, workers=args.workers, audit=not args.no_audit, indicators=args.indicators
        )
    if args.compare is not None and args.real is None:
        parser.error("--compare needs --real DIR")
    if args.real is not None:
        return _evaluate_real(args.real, args.compare, args.json)
    from analysis.evaluate.seeds import evaluate as run_evaluation
    from analysis.evaluate.seeds import format_summary, load_extraction

    result = run_evaluation(load_extraction(args.extraction), args.gold)
    result.update(_category_loco(args.gold))
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str) if args.json else format_summary(result))
    return 0


def _category_loco(gold: Path) -> dict:
    """Leave-one-city-out agreement of the category classifier with the gold coding (gold/problems.csv)."""
    import pandas as pd

    from analysis.categorize.assign import evaluate_loco, load_training

    problems = pd.read_csv(gold / "problems.csv", dtype=str, keep_default_na=False)
    # The gold has no problem texts; take description and measures from the shipped training set, which keeps them.
    texts = load_training()[["city_key", "problem_seq", "description", "measures"]].astype(str)
    seeds = problems.merge(texts, on=["city_key", "problem_seq"], how="left")
    # As the shipped model is: the real statements of other agencies (no city) are in every fold's training.
    training = load_training()
    real = training[training["source"] == "real"].drop(columns=["city_key", "problem_seq"])
    loco = evaluate_loco(pd.concat([seeds, real.assign(city_key="", problem_seq="0")], ignore_index=True))
    return {
        "category_loco_kappa": loco["kappa"],
        "category_loco_accuracy": loco["accuracy"],
        "category_loco": loco,
        **_category_transfer(),
    }


def _category_transfer() -> dict:
    """The classifier on agencies it was not trained on: leave-one-source-out over the real statements, per category
    and agency type, with intervals (analysis/evaluate/transfer.py; its leave-one-agency-type-out is in notebook 01
    and `python -m analysis.evaluate.transfer`, left out here to keep the command under a minute)."""
    from analysis.evaluate.transfer import evaluate_transfer

    transfer = evaluate_transfer(schemes=("loso",))
    return {"category_loso_kappa": transfer["loso"]["kappa"], "category_transfer": transfer}


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return number


def _evaluate_real(folder: Path, compare: Path | None, as_json: bool) -> int:
    """Score a folder of real notices: the report, the JSON, or what changed since a saved JSON (`compare`)."""
    from analysis.evaluate.real import compare_real, evaluate_real, format_real

    real = evaluate_real(folder)
    if compare is not None:
        try:
            before = json.loads(compare.read_text(encoding="utf-8"))
            # this run through JSON too, so its values compare with the saved file's as the same types
            changes = compare_real(before, json.loads(json.dumps(real, ensure_ascii=False, default=str)))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            print(f"FAILED {compare}: not a saved `evaluate --real --json` result ({error})", file=sys.stderr)
            return 1
        print(changes)
        return 0
    print(json.dumps(real, ensure_ascii=False, indent=2, default=str) if as_json else format_real(real))
    return 0


if __name__ == "__main__":
    sys.exit(main())
