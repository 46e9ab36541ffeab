"""The outline of a notice: numbered headings and items nested by the order their numbering styles appear in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from analysis.extract.markers import ARABIC_FAMILY, Marker, match_marker


@dataclass(eq=False)
class Node:
    """A numbered item: its marker, its heading line and the items nested below it."""

    marker: Marker
    level: str  # the numbering style that decides nesting (问题46 in a 1./2./… list takes that list's level)
    start: int  # offset of the marker in the normalised text
    heading_start: int  # offset just after the marker
    heading_end: int  # end of the heading line
    own_end: int = 0  # end of the text before the first nested or following item
    end: int = 0  # end of the whole item, nested items included
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        """This node's descendants in document order."""
        for child in self.children:
            yield child
            yield from child.walk()

    def ancestors(self) -> list[Node]:
        """Ancestors from the outermost down, the root excluded."""
        chain = []
        node = self.parent
        while node is not None and node.parent is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


_ROOT_MARKER = Marker("root", 0, "", 0)
_LINE = re.compile(r"[^\n]+")
# A line that opens with an unnumbered problem heading: 针对“…”的问题, 关于“…”问题的整改情况 (quotes may nest), alone
# or followed by its sentence end and more text.
# It heads an item of its own, with the empty label: in three-level outlines it is the innermost level (方面 → 项 →
# 针对“…”的问题 → 整改进展情况:).
_UNNUMBERED_PROBLEM = re.compile(r"(?:针对|关于)“.{2,200}”\s*(?:的)?问题(?:的整改(?:情况|进展)?)?\s*(?:[。:,].*)?")
_UNNUMBERED = Marker("unnumbered", 0, "", 0)


def build_outline(text: str, end: int | None = None) -> Node:
    """Nest every numbered line of `text` (up to `end`) under the root node."""
    stop = len(text) if end is None else end
    root = Node(_ROOT_MARKER, "root", 0, 0, 0)
    stack = [root]
    flat: list[Node] = []
    last_value: dict[str, int] = {}  # per level, the last number seen: 问题46 continues 45. across a heading
    for m in _LINE.finditer(text, 0, stop):
        marker = match_marker(m.group())
        if marker is None:
            if not (m.group().startswith(("针对“", "关于“")) and _UNNUMBERED_PROBLEM.fullmatch(m.group())):
                continue
            marker = _UNNUMBERED
        level = _level_for(marker, last_value)
        if level is None:
            continue
        for i in range(len(stack) - 1, 0, -1):
            if stack[i].level == level:
                del stack[i:]
                break
        node = Node(marker, level, m.start(), m.start() + marker.end, m.end(), parent=stack[-1])
        stack[-1].children.append(node)
        stack.append(node)
        flat.append(node)
        last_value[level] = marker.value
    _set_extents(root, flat, stop)
    return root


def _level_for(marker: Marker, last_value: dict[str, int]) -> str | None:
    """The level a marker numbers; None when a bare number is not really a marker."""
    if marker.kind in ARABIC_FAMILY:
        for level in ARABIC_FAMILY:
            if last_value.get(level) == marker.value - 1:
                return level
    if marker.kind == "arabic_bare":
        return None
    return marker.kind


def _set_extents(root: Node, flat: list[Node], stop: int) -> None:
    """An item runs until the next item at its own level or above; its own text until the next item of any level."""
    root.own_end = flat[0].start if flat else stop
    root.end = stop
    depth: dict[Node, int] = {root: -1}
    unfinished: list[Node] = []  # items whose end is not known yet, deepest last: one pass, linear in the items
    for i, node in enumerate(flat):
        depth[node] = depth[node.parent] + 1 if node.parent is not None else 0
        node.own_end = flat[i + 1].start if i + 1 < len(flat) else stop
        while unfinished and depth[unfinished[-1]] >= depth[node]:
            unfinished.pop().end = node.start
        unfinished.append(node)
    for node in unfinished:
        node.end = stop
