"""Fail when requirements.lock does not pin what requirements*.txt pin (``make check``; ``make lock`` fixes it).

requirements.txt and requirements-dev.txt name what we depend on; requirements.lock (made by
pip-compile with hashes) pins the whole tree that ``make setup`` installs with ``--require-hashes``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def main() -> int:
    locked = pins(ROOT / "requirements.lock")
    wanted = {**pins(ROOT / "requirements.txt"), **pins(ROOT / "requirements-dev.txt")}
    wrong = [
        f"{name}=={version} (lock: {locked.get(name, 'missing')})"
        for name, version in sorted(wanted.items())
        if locked.get(name) != version
    ]
    if wrong:
        print("requirements.lock is out of date; run `make lock`:", *wrong, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
