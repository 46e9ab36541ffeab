"""Chinese and Arabic numerals as printed in notices (十一, 两, 二十三, 146)."""

from __future__ import annotations

_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    """Parse an Arabic or Chinese numeral below 10,000; None if `text` is not one."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGIT:
            current = _DIGIT[ch]
        elif ch in _UNIT:
            total += (current or 1) * _UNIT[ch]
            current = 0
        else:
            return None
    return total + current
