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

# With `mixed`, the issuer is one of these instead of the seed's data bureau: (admin level, issuer template); the
# county-level ones take a real county of the drawn prefecture from COUNTIES. The levels and agency types are
# inferred from the issuer by the extractor, as for any notice: none is written into metadata.csv.
ISSUERS: tuple[tuple[str, str], ...] = (
    ("city", "中共{city}{agency}党组"),
    ("city", "{city}中级人民法院党组"),
    ("city", "{city}人民检察院党组"),
    ("city", "中共{city}人民医院委员会"),
    ("city", "{city}职业技术学院党委"),
    ("city", "{city}城市建设投资集团有限公司党委"),
    ("city", "共青团{city}委员会"),
    ("city", "{city}审计局"),
    ("county", "中共{county}委员会"),
    ("county", "中共{county}{agency}党组"),
    ("county", "{county}人民医院党委"),
    ("province", "中共{province}{agency}党组"),
)
AGENCIES = ("教育局", "财政局", "卫生健康委员会", "农业农村局", "住房和城乡建设局", "市场监督管理局")
PROVINCIAL_AGENCIES = ("教育厅", "财政厅", "卫生健康委员会", "农业农村厅", "住房和城乡建设厅", "市场监督管理局")
# Real counties and county-level cities of the prefectures in CITIES.
COUNTIES: dict[str, tuple[str, ...]] = {
    "赣州市": ("崇义县", "瑞金市"),
    "九江市": ("修水县",),
    "淄博市": ("沂源县",),
    "潍坊市": ("寿光市",),
    "洛阳市": ("栾川县",),
    "南阳市": ("西峡县",),
    "宜昌市": ("秭归县",),
    "绵阳市": ("江油市",),
    "南充市": ("阆中市",),
    "江门市": ("台山市",),
    "湖州市": ("安吉县",),
    "常州市": ("溧阳市",),
    "株洲市": ("醴陵市",),
    "安庆市": ("桐城市",),
}

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
    county: str = ""  # a county-level issuer's county (mixed corpora only)


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


def _mixed_issuer(index: int, seed: int, city: str, province: str) -> tuple[str, str]:
    """(issuer, county) of notice `index` in a mixed corpus: drawn from ISSUERS by its own random stream, so the rest
    of the notice is the same as in the corpus without mixing."""
    rng = random.Random(f"{seed}:{index}:issuer")
    choices = [(level, template) for level, template in ISSUERS if level != "county" or city in COUNTIES]
    level, template = rng.choice(choices)
    county = rng.choice(COUNTIES[city]) if level == "county" else ""
    agency = rng.choice(PROVINCIAL_AGENCIES if level == "province" else AGENCIES)
    return template.format(city=city, county=county, province=province, agency=agency), county


def compose(index: int, seed: int = 0, mixed: bool = False) -> Composed:
    """Notice number `index` of the corpus with random seed `seed`; the same arguments give the same text.

    With `mixed`, the issuer is a court, hospital, school, state firm, county or province body (ISSUERS) instead of
    a city's data bureau; the notice is otherwise the same."""
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
    issuer, county = frame.issuer.replace(frame.short_name, short), ""
    if mixed:
        new_issuer, county = _mixed_issuer(index, seed, city, province)
        text, issuer = text.replace(issuer, new_issuer), new_issuer
        if new_issuer.startswith(f"中共{province}"):
            city = ""  # a province's body belongs to no city
    return Composed(
        doc_id=f"n{index:06d}-{city_key}",
        text=text,
        city=city,
        province=province,
        issuer=issuer,
        layout=layout,
        n_problems=n,
        preamble_from=frame.key,
        county=county,
    )


def generator_version() -> str:
    """A digest of this module and the seeds it reads: a cached corpus is stale when it changes."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in (*sorted(RAW.glob("*.txt")), GOLD / "problems.csv", GOLD / "documents.csv"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generate_corpus(n: int, folder: Path, seed: int = 0, mixed: bool = False) -> Corpus:
    """Write notices 0..n-1 of corpus `seed` (`mixed`: with varied issuers and levels, see `compose`) into `folder`
    with a metadata.csv; returns what was written.

    Notices are written one at a time, so memory does not grow with n.
    """
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    with (folder / RAW_METADATA.name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=METADATA_COLUMNS)
        writer.writeheader()
        for index in range(n):
            notice = compose(index, seed, mixed)
            data = notice.text.encode("utf-8")
            (folder / f"{notice.doc_id}.txt").write_bytes(data)
            total += len(data)
            writer.writerow(
                {
                    "file": f"{notice.doc_id}.txt",
                    "city": notice.city,
                    "county": notice.county,
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
    parser.add_argument("--mixed", action="store_true", help="varied issuers: courts, hospitals, counties, provinces")
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.n, args.folder, args.seed, args.mixed)
    print(f"wrote {corpus.n} notices ({corpus.bytes / 2**20:.1f} MB) to {corpus.folder}")


if __name__ == "__main__":
    main()
