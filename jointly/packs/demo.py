"""Demo agendas and packs (placeholder, filled below)."""

from __future__ import annotations

from typing import Any


def load(stats: Any) -> None:
    return None
