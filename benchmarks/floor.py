"""The floor: the least an extractor must do with a notice — read it, normalise it, pass one pattern over it.

Run on the same files, workers and chunks as the extraction, the floor's time is what the extractor's is
compared with: their ratio is the extractor's cost as a multiple of merely touching the text.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from analysis.extract.normalize import normalize
from analysis.read.sources import load_metadata, read_notice

# One pass that looks at every character: the numbered lines and the genre's key words.
PATTERN = re.compile(r"^[^\n]{0,8}?(?:[一二三四五六七八九十]+、|\(\d+\)|\d+\.)|整改|问题|万元")
STAGES = ("read", "normalize", "regex")


def floor_chunk(chunk: list[Path]) -> dict[str, float]:
    """Read, normalise and scan each file of `chunk`; seconds per stage, plus notices and matches."""
    metadata = _metadata(chunk[0].parent)
    seconds = dict.fromkeys(STAGES, 0.0)
    matches = 0
    for path in chunk:
        t0 = time.process_time()
        notice = read_notice(path, metadata)
        t1 = time.process_time()
        text = normalize(notice.text).text
        t2 = time.process_time()
        matches += sum(1 for _ in PATTERN.finditer(text))
        seconds["read"] += t1 - t0
        seconds["normalize"] += t2 - t1
        seconds["regex"] += time.process_time() - t2
    return {**seconds, "notices": len(chunk), "matches": matches}


@cache
def _metadata(folder: Path) -> dict[str, dict[str, str]]:
    # Once per process, as extract_batch does: the floor must not pay what the extractor does not.
    return load_metadata(folder / "metadata.csv")


def run_floor(files: list[Path], workers: int, chunk_size: int) -> dict[str, float]:
    """The floor over `files` with `workers` spawned processes, as in extract_batch: totals and wall time."""
    started = time.perf_counter()
    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    if workers == 1:
        results = [floor_chunk(chunk) for chunk in chunks]
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(floor_chunk, chunks))
    totals = {key: sum(r[key] for r in results) for key in (*STAGES, "notices", "matches")}
    return {**totals, "wall": time.perf_counter() - started}
