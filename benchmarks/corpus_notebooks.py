"""Every notebook on a generated corpus: build N notices with varied issuers and levels (benchmarks.generate
--mixed), extract them with the command line into a folder, and execute each numbered notebook against it
(ANALYSIS_PROCESSED), timing each and failing on an error, a warning, output on stderr or a notebook slower than
the limit. The city template runs with its default (the first notice), the new-city template on a seed.

    python -m benchmarks.corpus_notebooks 300 /tmp/corpus300     # make corpus-notebooks
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.report import notebooks as nb
from benchmarks.generate import generate_corpus

LIMIT_SECONDS = 90.0  # the target per notebook


def build_corpus(n: int, folder: Path, seed: int = 0) -> Path:
    """Generate `n` mixed notices into `folder`/raw and extract them into `folder`/processed (returned)."""
    raw, processed = folder / "raw", folder / "processed"
    generate_corpus(n, raw, seed=seed, mixed=True)
    subprocess.run(
        [sys.executable, "-m", "analysis", "extract", str(raw), "--out", str(processed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return processed


def run_notebooks(processed: Path, names: list[str] | None = None) -> dict[str, dict[str, object]]:
    """Execute the numbered notebooks (or those named) against `processed`: per notebook, seconds and complaints."""
    previous = os.environ.get(nb.PROCESSED_ENV)
    os.environ[nb.PROCESSED_ENV] = str(processed)
    results: dict[str, dict[str, object]] = {}
    try:
        for path in nb.notebook_paths():
            if names and path.stem not in names:
                continue
            started = time.perf_counter()
            with tempfile.TemporaryDirectory() as cwd:
                executed = nb.execute_notebook(path, {} if path.name == nb.CITY_TEMPLATE else None, cwd=Path(cwd))
            results[path.stem] = {
                "seconds": round(time.perf_counter() - started, 1),
                "complaints": nb.complaints(executed),
            }
    finally:
        if previous is None:
            del os.environ[nb.PROCESSED_ENV]
        else:
            os.environ[nb.PROCESSED_ENV] = previous
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line: build the corpus, run every notebook, print the timings; exit 1 on a complaint or a slow one."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of notices")
    parser.add_argument("folder", type=Path, help="working folder (raw/ and processed/ are created in it)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    processed = build_corpus(args.n, args.folder, args.seed)
    print(f"{args.n} notices generated and extracted in {time.perf_counter() - started:.1f} s into {processed}")
    results = run_notebooks(processed)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    bad = [name for name, r in results.items() if r["complaints"] or float(r["seconds"]) > LIMIT_SECONDS]
    if bad:
        print(f"failed (complaint or over {LIMIT_SECONDS:g} s): {', '.join(bad)}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
