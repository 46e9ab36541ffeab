"""A corpus of N realistic notices recombined from the five seeds, for benchmarks; deterministic per seed.

Each seed is cut into its preamble (title, header sentence, organisational measures), its problem blocks and
its closing (plans ahead, contacts, signature). Block boundaries come from the gold problems (label and title,
in order), not from the extractor under test: a block runs from its label line to the next numbered line.

A generated notice takes the preamble and closing of one seed, 3-60 problem blocks drawn from all five, a
city that replaces the seeds' own, and one of four layouts for the problems (问题N: / (一) / 1. under
areas / (1) restarting under each area), with its own paragraph spacing and indentation. Notice i depends
only on (seed, i), so a corpus of 10^3 is the first 10^3 notices of a corpus of 10^4.

    python -m benchmarks.generate 1000 /tmp/corpus --seed 7
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.paths import GOLD, RAW, RAW_METADATA
from analysis.read.sources import METADATA_COLUMNS, load_metadata, read_notice

MIN_PROBLEMS = 3
MAX_PROBLEMS = 60
LAYOUTS = ("problem_n", "cn_paren", "arabic", "arabic_paren")
_CN = "一二三四五六七八九"

# Real prefecture-level cities (none of them a seed): (city, file key, province).
CITIES: tuple[tuple[str, str, str], ...] = (
    ("淄博市", "zibo", "山东省"),
    ("潍坊市", "weifang", "山东省"),
    ("洛阳市", "luoyang", "河南省"),
    ("南阳市", "nanyang", "河南省"),
    ("宜昌市", "yichang", "湖北省"),
    ("襄阳市", "xiangyang", "湖北省"),
    ("绵阳市", "mianyang", "四川省"),
    ("南充市", "nanchong", "四川省"),
    ("鞍山市", "anshan", "辽宁省"),
    ("锦州市", "jinzhou", "辽宁省"),
    ("佛山市", "foshan", "广东省"),
    ("江门市", "jiangmen", "广东省"),
    ("湖州市", "huzhou", "浙江省"),
    ("台州市", "taizhou", "浙江省"),
    ("常州市", "changzhou", "江苏省"),
    ("盐城市", "yancheng", "江苏省"),
    ("赣州市", "ganzhou", "江西省"),
    ("九江市", "jiujiang", "江西省"),
    ("株洲市", "zhuzhou", "湖南省"),
    ("岳阳市", "yueyang", "湖南省"),
    ("芜湖市", "wuhu", "安徽省"),
    ("安庆市", "anqing", "安徽省"),
    ("保定市", "baoding", "河北省"),
    ("邯郸市", "handan", "河北省"),
    ("大同市", "datong", "山西省"),
    ("宝鸡市", "baoji", "陕西省"),
    ("柳州市", "liuzhou", "广西壮族自治区"),
    ("遵义市", "zunyi", "贵州省"),
    ("曲靖市", "qujing", "云南省"),
    ("泉州市", "quanzhou", "福建省"),
)

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# A numbered line of any GB/T 9704 level, or the genre's 问题N: where a problem block ends at the latest.
_NUMBERED = re.compile(rf"(?:[{_CN}十]+、|\([{_CN}十]+\)|\d{{1,2}}\.\d{{1,2}}|\d{{1,3}}[.、]|\(\d{{1,3}}\)|问题\s*\d)")
_TOP_HEADING = re.compile(rf"^([ \t#*]*)[{_CN}十]+、")
_LABEL = re.compile(rf"^[ \t#*]*(?:问题\s*\d+\s*[:：.、]?|[(（]\s*[{_CN}十\d]+\s*[)）]|\d{{1,3}}[.．、]?)\s*")
# The count a preamble states (四个方面11个问题, 对照 8 个专项巡察反馈问题) is set to the blocks drawn.
_STATED_COUNT = re.compile(r"(\d+)(\s*[个类][^\d。,，;；]{0,8}?问题)")


@dataclass(frozen=True)
class Seed:
    """One seed notice cut into the parts that are recombined."""

    key: str
    short_name: str  # the city as the text writes it inside names: 沈阳 (沈阳市, 沈阳市数据局)
    issuer: str
    preamble: str
    section_heading: str  # heading of the problem section, its number removed
    closing: str
    blocks: tuple[str, ...]  # each problem without its label: title first, then description, measures, status
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Composed:
    """A generated notice and what the generator put in it."""

    doc_id: str
    text: str
    city: str
    province: str
    issuer: str
    layout: str
    n_problems: int
    preamble_from: str


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk: a folder of .txt notices with their metadata.csv."""

    folder: Path
    n: int
    seed: int
    bytes: int


def _clean(line: str) -> str:
    return line.translate(_FULLWIDTH).strip().lstrip("#* ").replace(" ", "")


def cut_seed(key: str, text: str, gold: list[dict[str, str]], city: str, issuer: str) -> Seed:
    """Cut one seed into preamble, problem blocks and closing, using its gold problems (in document order)."""
    lines = text.splitlines(keepends=True)
    cleaned = [_clean(line) for line in lines]
    starts: list[int] = []
    cursor = 0
    for row in gold:
        label, title = _clean(row["label"]), _clean(row["title"])[:4]
        for i in range(cursor, len(lines)):
            if cleaned[i].startswith(label) and title in cleaned[i][: len(label) + 12]:
                starts.append(i)
                cursor = i + 1
                break
        else:
            raise ValueError(f"{key}: gold problem {row['problem_seq']} ({row['label']}) not found in the text")

    blocks = []
    for n, first in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        end = next((i for i in range(first + 1, stop) if _NUMBERED.match(cleaned[i])), stop)
        body = [line.strip() for line in lines[first:end] if line.strip().strip("*")]
        body[0] = _LABEL.sub("", body[0], count=1)
        blocks.append("\n".join(body))

    heading = max(i for i in range(starts[0]) if _TOP_HEADING.match(cleaned[i]))
    last = starts[-1]
    closing_start = next(i for i in range(last + 1, len(lines)) if _TOP_HEADING.match(cleaned[i]))
    return Seed(
        key=key,
        short_name=city.removesuffix("市"),
        issuer=issuer,
        preamble="".join(lines[:heading]),
        section_heading=_TOP_HEADING.sub("", cleaned[heading]).strip("*"),
        closing="".join(lines[closing_start:]),
        blocks=tuple(blocks),
        areas=tuple(dict.fromkeys(row["area"] for row in gold if row["area"])),
    )


@cache
def load_seeds() -> tuple[Seed, ...]:
    """The five seeds of data/raw, cut with the gold problems of tests/data/gold."""
    metadata = load_metadata(RAW_METADATA)
    with (GOLD / "documents.csv").open(encoding="utf-8") as fh:
        documents = list(csv.DictReader(fh))
    with (GOLD / "problems.csv").open(encoding="utf-8") as fh:
        problems = list(csv.DictReader(fh))
    seeds = []
    for doc in documents:
        key = doc["city_key"]
        notice = read_notice(RAW / f"{key}.txt", metadata)
        gold = sorted((r for r in problems if r["city_key"] == key), key=lambda r: int(r["problem_seq"]))
        seeds.append(cut_seed(key, notice.text, gold, doc["city"], doc["issuer"]))
    return tuple(seeds)


def _cn_number(n: int) -> str:
    """1..99 in Chinese numerals as the genre writes them: 十一, 二十, 四十五."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _CN[tens - 1] + "十"
    return head + (_CN[units - 1] if units else "")


def _problem_count(rng: random.Random) -> int:
    # Log-uniform: many short notices and a long tail, as published notices run (the seeds have 8 to 61).
    return min(MAX_PROBLEMS, int(math.exp(rng.uniform(math.log(MIN_PROBLEMS), math.log(MAX_PROBLEMS + 1)))))


def _split(rng: random.Random, n: int, parts: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, n), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, n], strict=True)]


def compose(index: int, seed: int = 0) -> Composed:
    """Notice number `index` of the corpus with random seed `seed`; the same arguments give the same text."""
    rng = random.Random(f"{seed}:{index}")
    seeds = load_seeds()
    frame = rng.choice(seeds)
    city, city_key, province = rng.choice(CITIES)
    short = city.removesuffix("市")
    pool = [(s, block) for s in seeds for block in s.blocks]
    drawn = rng.sample(pool, _problem_count(rng))
    layout = rng.choice(LAYOUTS)
    sep = rng.choice(("\n", "\n\n"))
    indent = rng.choice(("", "  ", "\u3000\u3000"))
    full_width = rng.random() < 0.5
    lp, rp, colon = ("（", "）", "：") if full_width else ("(", ")", ":")

    areas = [a for s in seeds for a in s.areas]
    with_areas = layout in ("arabic", "arabic_paren") or (layout == "problem_n" and rng.random() < 0.5)
    groups = _split(rng, len(drawn), rng.randint(1, min(6, len(drawn)))) if with_areas else [len(drawn)]
    names = rng.sample(areas, len(groups)) if with_areas else [None]

    body: list[str] = []
    k = 0
    for a, (size, name) in enumerate(zip(groups, names, strict=True), start=1):
        if name:
            body.append(f"{indent}{lp}{_cn_number(a)}{rp}{name}")
        for j in range(1, size + 1):
            k += 1
            label = {
                "problem_n": f"问题{k}{colon}",
                "cn_paren": f"{lp}{_cn_number(k)}{rp}",
                "arabic": f"{k}.",
                "arabic_paren": f"{lp}{j}{rp}",
            }[layout]
            source, block = drawn[k - 1]
            paragraphs = block.replace(source.short_name, short).split("\n")
            body.append(indent + label + paragraphs[0])
            body += [indent + p for p in paragraphs[1:]]

    n = len(drawn)
    preamble = _STATED_COUNT.sub(lambda m: f"{n}{m.group(2)}", frame.preamble, count=1)
    closing = frame.closing.splitlines(keepends=True)
    numbers = iter(range(3, 10))
    closing = [_TOP_HEADING.sub(lambda m: f"{m.group(1)}{_CN[next(numbers) - 1]}、", line) for line in closing]
    text = (
        preamble.replace(frame.short_name, short)
        + f"{indent}二、{frame.section_heading}{sep}"
        + sep.join(body)
        + sep
        + "".join(closing).replace(frame.short_name, short)
    )
    return Composed(
        doc_id=f"n{index:06d}-{city_key}",
        text=text,
        city=city,
        province=province,
        issuer=frame.issuer.replace(frame.short_name, short),
        layout=layout,
        n_problems=n,
        preamble_from=frame.key,
    )


def generator_version() -> str:
    """A digest of this module and the seeds it reads: a cached corpus is stale when it changes."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in (*sorted(RAW.glob("*.txt")), GOLD / "problems.csv", GOLD / "documents.csv"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generate_corpus(n: int, folder: Path, seed: int = 0) -> Corpus:
    """Write notices 0..n-1 of corpus `seed` into `folder` with a metadata.csv; returns what was written.

    Notices are written one at a time, so memory does not grow with n.
    """
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    with (folder / RAW_METADATA.name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=METADATA_COLUMNS)
        writer.writeheader()
        for index in range(n):
            notice = compose(index, seed)
            data = notice.text.encode("utf-8")
            (folder / f"{notice.doc_id}.txt").write_bytes(data)
            total += len(data)
            writer.writerow(
                {
                    "file": f"{notice.doc_id}.txt",
                    "city": notice.city,
                    "county": "",
                    "province": notice.province,
                    "issuer": notice.issuer,
                    "source_url": "",
                    "date_received": "",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "note": f"synthetic (benchmarks.generate seed {seed}): {notice.n_problems} problems, "
                    f"layout {notice.layout}, preamble and closing from {notice.preamble_from}",
                }
            )
    return Corpus(folder, n, seed, total)


def main(argv: list[str] | None = None) -> None:
    """Command line: write a corpus of N notices into a folder."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of notices")
    parser.add_argument("folder", type=Path, help="output folder (created)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.n, args.folder, args.seed)
    print(f"wrote {corpus.n} notices ({corpus.bytes / 2**20:.1f} MB) to {corpus.folder}")


if __name__ == "__main__":
    main()
