"""Plain text of an information page, as blocks a template draws (and escapes): never HTML.

A blank line ends a paragraph; lines starting "- " or "* " make a bulleted list and lines starting
"1. " (any number) a numbered one. Nothing else is special: a "<" stays a "<" on the page, because
the template escapes every block's text, and no link or markup can be written into the body (links
go in the page's own list of links, checked to be http or https).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


@dataclass
class Block:
    kind: str  # "p", "ul" or "ol"
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def blocks(text: str) -> list[Block]:
    """``text`` as paragraphs and lists, in order (empty text: no blocks)."""
    out: list[Block] = []
    current: Block | None = None
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
            continue
        for kind, pattern in (("ul", _BULLET), ("ol", _NUMBER)):
            match = pattern.match(line)
            if match:
                if current is None or current.kind != kind:
                    current = Block(kind)
                    out.append(current)
                current.lines.append(match.group(1).strip())
                break
        else:
            if current is None or current.kind != "p":
                current = Block("p")
                out.append(current)
            current.lines.append(line)
    return out
