"""Lay out a reporting-lines diagram (boards reporting to boards) as boxes and lines.

Pure: takes (id, label, parent id, url) tuples for the principal lines, which make the tree,
and optionally further lines as (from id, to id, label) triples, drawn dashed between the
boxes already placed; returns coordinates for an SVG.
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
    label: str = ""
    dashed: bool = False

    @property
    def label_x(self) -> int:
        return (self.x1 + self.x2) // 2 + 4

    @property
    def label_y(self) -> int:
        return (self.y1 + self.y2) // 2


def layout(
    nodes: list[tuple[int, str, int | None, str]],
    extra: list[tuple[int, int, str]] | None = None,
    labels: dict[int, str] | None = None,
) -> tuple[list[Box], list[Edge], int, int]:
    """Tidy top-down layout: each subtree gets the width of its leaves.

    ``labels`` maps a node to the label of its principal line (its cadence); ``extra`` lines
    join boxes already placed, from the bottom or top edge nearest the other box.
    """
    labels = labels or {}
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
            edges.append(
                Edge(
                    kid_box.x + BOX_W // 2,
                    kid_box.y,
                    box.x + BOX_W // 2,
                    box.y + BOX_H,
                    labels.get(kid_box.key, ""),
                )
            )
        return width, box

    x = 0
    for root in children.get(None, []):
        width, _ = place(root, 0, x)
        x += width
    for node in nodes:  # anything in a reporting cycle has no root: show it anyway
        if node[0] not in seen:
            width, _ = place(node, 0, x)
            x += width
    placed = {b.key: b for b in boxes}
    for source, target, label in extra or []:
        a, b = placed.get(source), placed.get(target)
        if a is None or b is None or a is b:
            continue
        if b.y < a.y:  # reports up: from the top of one to the bottom of the other
            edges.append(Edge(a.x + BOX_W // 2 + 12, a.y, b.x + BOX_W // 2 + 12, b.y + BOX_H, label, True))
        elif b.y > a.y:
            edges.append(Edge(a.x + BOX_W // 2 + 12, a.y + BOX_H, b.x + BOX_W // 2 + 12, b.y, label, True))
        else:  # side by side
            left, right = (a, b) if a.x < b.x else (b, a)
            y = a.y + BOX_H // 2 + 8
            edges.append(Edge(left.x + BOX_W, y, right.x, y, label, True))
    height = max((b.y + BOX_H for b in boxes), default=0)
    return boxes, edges, max(x, 1), height + 2
