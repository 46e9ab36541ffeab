"""Run chunk tasks: in this process, on a pool of local worker processes, or on any `concurrent.futures.Executor`
(a Dask cluster's `Client.get_executor()`, for one); and the one assembly task after them (`run_once`). At most two
tasks per worker are submitted at a time, because a task carries its chunk's metadata rows: submitting them all at
once would hold every row of a corpus in the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TypeVar

from analysis.engine.chunk import ChunkResult, ChunkTask, run_chunk
from analysis.read.sources import shown

# Below this many notices a progress display is noise; `progress=True` shows it anyway.
PROGRESS_MIN_NOTICES = 500
_LOG_EVERY = 0.1  # without a terminal, one progress line per tenth of the notices


class Progress:
    """A bar on a terminal; on a log file, one plain line per tenth of the notices, each with its elapsed time."""

    def __init__(self, total: int, show: bool | None) -> None:
        tty = sys.stderr.isatty()
        self.total = total
        self.show = (tty and total >= PROGRESS_MIN_NOTICES) if show is None else show
        self.done = 0
        self.started = time.perf_counter()
        self._next_line = _LOG_EVERY
        self._bar = None
        if self.show and tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="notice", file=sys.stderr)

    def update(self, n: int) -> None:
        self.done += n
        if not self.show:
            return
        if self._bar is not None:
            self._bar.update(n)
            return
        share = self.done / max(self.total, 1)
        if share >= self._next_line or self.done == self.total:
            elapsed = time.perf_counter() - self.started
            print(f"{self.done}/{self.total} notices ({share:.0%}) in {elapsed:.0f} s", file=sys.stderr, flush=True)
            while self._next_line <= share:
                self._next_line += _LOG_EVERY

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


Receive = Callable[[ChunkResult], None]
T = TypeVar("T")
R = TypeVar("R")


def run_tasks(
    tasks: Iterator[ChunkTask],
    workers: int,
    progress: Progress,
    executor: Executor | None,
    receive: Receive | None = None,
) -> list[ChunkResult]:
    """Every task's result, in task order; `receive`, when given, is called with each result as it arrives (before
    it is kept), so that the caller may store what a result carries per notice rather than hold it."""
    results: list[ChunkResult] = []

    def keep(result: ChunkResult) -> None:
        if receive is not None:
            receive(result)
        results.append(result)

    if executor is not None:
        _run_on(executor, tasks, workers, keep, progress)
    elif workers == 1:
        for task in tasks:
            keep(run_chunk(task))
            progress.update(len(task.files))
    else:
        # A worker that dies (killed, out of memory) breaks its pool: every chunk then running fails with
        # BrokenProcessPool. Each of those runs again alone in a new pool, so that only the chunk whose worker dies
        # again is lost; the chunks not yet started go on in a new pool.
        while broken := _run_pool(tasks, workers, keep, progress):
            for task in broken:
                for lost in _run_pool(iter([task]), 1, keep, progress):
                    keep(lost_chunk(lost, "its worker died (killed or out of memory) twice"))
                    progress.update(len(lost.files))
    return sorted(results, key=lambda r: r.index)


def run_once(function: Callable[[T], R], argument: T, executor: Executor | None, local_process: bool) -> R:
    """`function(argument)` on `executor` when one is given, else in a fresh local process (`local_process`), else
    here. Whatever it raises is raised here; a fresh process that dies raises BrokenProcessPool."""
    if executor is not None:
        return executor.submit(function, argument).result()
    if not local_process:
        return function(argument)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, argument).result()


def _import_libraries() -> None:
    """Load the table libraries when a worker starts, so that their import is not timed as a stage."""
    import pandera.pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def _run_pool(tasks: Iterator[ChunkTask], workers: int, keep: Receive, progress: Progress) -> list:
    """Run tasks in a new local pool, appending their results; return the tasks cut short when the pool broke."""
    # spawn: a forked child would inherit the parent's threads (pyarrow's pools) in an unknown state.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_import_libraries) as pool:
        try:
            return _run_on(pool, tasks, workers, keep, progress)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _run_on(
    executor: Executor, tasks: Iterator[ChunkTask], workers: int, keep: Receive, progress: Progress
) -> list[ChunkTask]:
    broken: list[ChunkTask] = []
    running: dict[Future[ChunkResult], ChunkTask] = {}
    for task in islice(tasks, 2 * workers):
        running[executor.submit(run_chunk, task)] = task
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            task = running.pop(future)
            if isinstance(future.exception(), BrokenProcessPool):
                broken.append(task)
                continue
            keep(_collected(future, task))
            progress.update(len(task.files))
            for task in islice(tasks, 0 if broken else 1):
                try:
                    running[executor.submit(run_chunk, task)] = task
                except BrokenProcessPool:  # broken before its future said so
                    broken.append(task)
    return sorted(broken, key=lambda task: task.index)


def _collected(future: Future[ChunkResult], task: ChunkTask) -> ChunkResult:
    """The chunk's result; if it raised in its worker, a failure for each of its notices."""
    try:
        return future.result()
    except Exception as exc:
        return lost_chunk(task, f"{type(exc).__name__}: {exc}")


def lost_chunk(task: ChunkTask, reason: str) -> ChunkResult:
    """A chunk not extracted: a failure for each of its notices."""
    failures = [
        (i, f"{shown(path)}: not extracted: chunk {task.index} failed in its worker ({reason})")
        for i, path in enumerate(task.files)
    ]
    return ChunkResult(task.index, 0, failures, {}, 0, {}, pid=0, peak_rss_mb=0.0)
