"""How long a researcher waits: the five-city build (tables, figures) and executing the notebooks.

    .venv/bin/python -m benchmarks.timings          # or: make timings

Each command runs as a researcher runs it, in a fresh process, `--repeat` times; the median wall time is reported and
written to benchmarks/timings.json with the machine's load, so numbers from a busy machine can be recognised.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from analysis.paths import ROOT

COMMANDS = {
    "build (tables, texts, audit pages, figures zh+en)": ["-m", "analysis", "build"],
    "notebooks (execute all, render HTML, one report per city)": ["-m", "analysis", "notebooks"],
    "import analysis": ["-c", "import analysis"],
}


def measure(args: list[str], repeat: int) -> list[float]:
    """Wall seconds of `python <args>` from the project root, once per repeat."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "load_before": os.getloadavg()[0]}
    for name, command in COMMANDS.items():
        times = measure(command, args.repeat)
        results[name] = {"median_s": round(statistics.median(times), 2), "runs_s": [round(t, 2) for t in times]}
        print(f"{name:60s} {statistics.median(times):7.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    results["load_after"] = os.getloadavg()[0]
    (ROOT / "benchmarks" / "timings.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
