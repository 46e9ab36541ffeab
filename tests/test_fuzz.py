"""Fuzzing the extractor: mutated notices never crash it, and what it returns always holds together (issue 11).

Each case is a seed notice cut, spliced, repeated and sprinkled with the genre's own tokens (labels, statuses,
amounts, dates, closing lines) and with arbitrary characters. The suite runs FUZZ_EXAMPLES cases (default 300);
`make fuzz` runs 10⁵ and its result is in the README.
"""

from __future__ import annotations

import os
from decimal import Decimal, localcontext

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.extract import extract_notice
from analysis.paths import RAW
from analysis.read.sources import NoticeError, RawNotice

SEEDS = {path.stem: path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))}
# The genre's own pieces: what a mutation must be able to put anywhere.
TOKENS = [
    "一、", "(一)", "(二)", "1.", "2、", "(1)", "①", "一是", "二是", "问题1:", "整改措施:", "整改情况:",
    "整改结果:已完成整改。", "已完成", "正在整改", "长期坚持", "基本完成", "整改时限:", "责任单位:",
    "12.5161720861万元", "99999999999999999999亿元", "5.49 亿元", "逾千万元", "3,.83万元", "1,234.5万元",
    "2024年12月24日", "二〇二四年十二月二十四日", "202253日至630日", "今天是2020年5月8日", "针对“", "”的问题",
    "欢迎广大干部群众", "联系电话:", "\n", "\n\n", "。", ";", " ", "\u3000", "\r\n",
    "中共某县委员会关于巡察整改情况的通报",
]  # fmt: skip
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
# The suite's cases are the same on every run (a red CI must be reproducible); `make fuzz` draws new ones.
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ


@st.composite
def mutated_notices(draw: st.DrawFn) -> str:
    text = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
    for _ in range(draw(st.integers(0, 8))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 400)))
        op = draw(st.sampled_from(["delete", "repeat", "token", "chars", "cut"]))
        if op == "delete":
            text = text[:a] + text[b:]
        elif op == "repeat":
            text = text[:b] + text[a:b] + text[b:]
        elif op == "token":
            text = text[:a] + draw(st.sampled_from(TOKENS)) + text[a:]
        elif op == "chars":
            text = text[:a] + draw(st.text(max_size=12)) + text[a:]
        else:
            text = text[:b]
    return text


@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_notices())
def test_mutated_notices_never_crash_and_hold_together(text: str) -> None:
    notice = RawNotice("fuzz", RAW / "fuzz.txt", "fuzz.txt", "0" * 64, text, "utf-8", False)
    try:
        extraction = extract_notice(notice)
    except NoticeError:
        return  # not a notice at all: one clear line, which is allowed
    n = len(text)
    for table in ("problems", "measures", "amounts", "evidence"):
        for row in getattr(extraction, table):
            assert 0 <= row["span_start"] <= row["span_end"] <= n, (table, row)
    for row in extraction.amounts:
        assert text[row["span_start"] : row["span_end"]] == row["raw"]
        with localcontext() as context:
            context.prec = 40  # amounts reach 38 digits
            assert isinstance(row["yuan"], Decimal) and row["yuan"] == row["yuan"].quantize(Decimal("0.0001"))
    for row in extraction.evidence:
        assert text[row["span_start"] : row["span_end"]] == row["quote"]
    seqs = [p["problem_seq"] for p in extraction.problems]
    assert seqs == list(range(1, len(seqs) + 1))
    first = min((p["span_start"] for p in extraction.problems), default=n)
    for p in extraction.problems:
        measures = [m for m in extraction.measures if m["problem_seq"] == p["problem_seq"] and m["part"] == "measure"]
        assert p["n_measures"] == len(measures)
        if p["status_span_start"] is not None:
            # inside its problem, or a sentence before the list that gives the whole list its status
            inside = p["span_start"] <= p["status_span_start"] <= p["status_span_end"] <= p["span_end"]
            assert inside or p["status_span_end"] <= first, p
