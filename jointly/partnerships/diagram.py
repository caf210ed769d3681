"""Lay out a reporting-lines diagram (boards reporting to boards) as boxes and lines.

Pure: takes (id, label, parent id) triples, returns coordinates for an SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

BOX_W, BOX_H, GAP_X, GAP_Y = 220, 56, 24, 48
# Characters per line of a box's label: 13 px Arial averages under 7.5 px a character, so 26 fit
# the 200 px inside a box's padding (the browser test measures the demo's labels).
LINE_CHARS = 26


@dataclass
class Box:
    key: int
    label: str
    x: int
    y: int
    w: int = BOX_W
    h: int = BOX_H
    url: str = ""

    @property
    def lines(self) -> list[str]:
        """Label wrapped to at most two lines that fit inside the box (13 px Arial)."""
        words, lines, current = self.label.split(), [], ""
        for word in words:
            if len(current) + len(word) + 1 > LINE_CHARS and current:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        lines.append(current)
        if len(lines) > 2:
            lines = [lines[0], lines[1][: LINE_CHARS - 1] + "…"]
        return [line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…" for line in lines]


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int


def layout(nodes: list[tuple[int, str, int | None, str]]) -> tuple[list[Box], list[Edge], int, int]:
    """Tidy top-down layout: each subtree gets the width of its leaves."""
    ids = {n[0] for n in nodes}
    children: dict[int | None, list[tuple[int, str, int | None, str]]] = {}
    for node in nodes:
        parent = node[2] if node[2] in ids else None
        children.setdefault(parent, []).append(node)
    boxes: list[Box] = []
    edges: list[Edge] = []
    seen: set[int] = set()

    def place(node: tuple[int, str, int | None, str], depth: int, left: int) -> tuple[int, Box]:
        seen.add(node[0])
        kids = [k for k in children.get(node[0], []) if k[0] not in seen]
        x = left
        kid_boxes = []
        for kid in kids:
            width, box = place(kid, depth + 1, x)
            kid_boxes.append(box)
            x += width
        width = max(x - left, BOX_W + GAP_X)
        box = Box(node[0], node[1], left + (width - BOX_W - GAP_X) // 2, depth * (BOX_H + GAP_Y), url=node[3])
        boxes.append(box)
        for kid_box in kid_boxes:
            edges.append(Edge(kid_box.x + BOX_W // 2, kid_box.y, box.x + BOX_W // 2, box.y + BOX_H))
        return width, box

    x = 0
    for root in children.get(None, []):
        width, _ = place(root, 0, x)
        x += width
    for node in nodes:  # anything in a reporting cycle has no root: show it anyway
        if node[0] not in seen:
            width, _ = place(node, 0, x)
            x += width
    height = max((b.y + BOX_H for b in boxes), default=0)
    return boxes, edges, max(x, 1), height + 2
