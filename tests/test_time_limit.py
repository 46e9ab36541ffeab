"""A notice that takes too long fails with one line; the others still build (issue 11)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analysis.engine.time_limit import NoticeTimeout, notice_seconds, time_limit
from analysis.paths import RAW


def test_the_body_is_stopped_when_its_time_is_up() -> None:
    start = time.perf_counter()
    with pytest.raises(NoticeTimeout, match=r"took more than 0\.2 s"), time_limit(0.2):
        while True:
            pass
    assert time.perf_counter() - start < 2


def test_a_quick_body_is_not_disturbed_and_the_timer_is_cleared() -> None:
    with time_limit(0.5):
        total = sum(range(1000))
    time.sleep(0.7)  # an alarm left set would fire here
    assert total == 499500


@pytest.mark.parametrize(("raw", "seconds"), [("", 120.0), ("5", 5.0), ("0", 0.0), ("nonsense", 120.0), ("nan", 0.0)])
def test_the_limit_is_configured_in_the_environment(monkeypatch: pytest.MonkeyPatch, raw: str, seconds: float) -> None:
    monkeypatch.setenv("ANALYSIS_NOTICE_SECONDS", raw)
    assert notice_seconds() == seconds


def test_a_slow_notice_fails_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from analysis.engine import batch, pipeline

    for name in ("shenyang.txt", "suining.txt"):
        (tmp_path / name).write_bytes((RAW / name).read_bytes())
    real_extract = batch._default_extract()

    def slow_for_suining(notice, corrections=()):
        if notice.doc_id == "suining":
            time.sleep(12)
        return real_extract(notice, corrections)

    monkeypatch.setattr(batch, "_default_extract", lambda: slow_for_suining)
    monkeypatch.setenv("ANALYSIS_NOTICE_SECONDS", "4")  # shenyang, the first, also pays for loading the readers
    start = time.perf_counter()
    result = pipeline.extract_paths([tmp_path], metadata={})
    assert time.perf_counter() - start < 11
    assert set(result.tables["documents"]["doc_id"]) == {"shenyang"}
    assert [f.split(": ", 1)[1] for f in result.failures if "suining.txt" in f] == [
        "took more than 4 s and was stopped — split the file, or raise ANALYSIS_NOTICE_SECONDS"
    ]
