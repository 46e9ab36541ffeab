"""A time limit per notice: a notice that takes too long fails with one line, and the others go on.

Real files can hold what no notice holds (a 5,000-page PDF, 64 MB of text): no input may stall a whole corpus. The
limit is wall-clock seconds per notice, `ANALYSIS_NOTICE_SECONDS` in the environment (default 120; 0 turns it off).
It is enforced with SIGALRM, so only in the main thread of a process on a POSIX system (the command line, and each
worker of the batch); elsewhere the notice runs unlimited.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 120.0


class NoticeTimeout(Exception):
    """Raised inside a notice's extraction when its time is up."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"took more than {seconds:g} s and was stopped — split the file, or raise ANALYSIS_NOTICE_SECONDS"
        )
        self.seconds = seconds


def notice_seconds() -> float:
    """The configured limit in seconds; 0 means none."""
    raw = os.environ.get("ANALYSIS_NOTICE_SECONDS", "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        return DEFAULT_SECONDS
    return seconds if seconds > 0 and seconds == seconds else 0.0


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise NoticeTimeout in the body when it runs longer than `seconds` (default: `notice_seconds()`)."""
    limit = notice_seconds() if seconds is None else seconds
    usable = limit > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise NoticeTimeout(limit)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
