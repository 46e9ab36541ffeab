"""Chinese and Arabic numerals as printed in notices (十一, 两, 二十三, 二〇二四, 146), read with cn2an."""

from __future__ import annotations

from functools import cache


@cache
def parse_number(text: str) -> int | None:
    """The whole number `text` writes in Arabic or Chinese numerals; None if it is not one.

    Chinese numerals are read by cn2an (a maintained converter; "normal" mode takes 两, 〇 and digit-by-digit years
    such as 二〇二四). Cached: notices repeat the same few numerals, and cn2an costs ~20 µs a call.
    """
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    import cn2an  # imported on first use: `import analysis` stays light

    if text[0] in "百千万亿":
        text = "一" + text  # 逾千万元: a unit alone counts one of it, as 十 does

    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None
