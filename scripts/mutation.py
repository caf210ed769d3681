"""Mutation testing (`make mutation`; not in CI, it takes long): run mutmut and print the score per module.

    python scripts/mutation.py                    # every module in [tool.mutmut] only_mutate
    python scripts/mutation.py jointly.stats.dsr  # one module (or several)
    python scripts/mutation.py --max-children 1 jointly.stats.dsr  # one worker (a shared machine)

The score counts killed (and timed-out) mutants over all mutants of the module. Reviewed
equivalent mutants are not listed anywhere: the lines that make them carry
``# pragma: no mutate`` with the reason (RESOLUTIONS 5), so mutmut does not create them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = [sys.executable, "-m", "mutmut"]
KILLED = {"killed", "timeout"}


def module_of(mutant: str) -> str:
    """``jointly.stats.dsr.x_phe_dsr__mutmut_12`` -> ``jointly.stats.dsr``."""
    head = mutant.split("__mutmut_")[0]
    parts = head.split(".")
    while parts and (parts[-1].startswith("x_") or parts[-1].startswith("xǁ") or "ǁ" in parts[-1]):
        parts.pop()
    return ".".join(parts)


def results(env: dict[str, str]) -> dict[str, Counter[str]]:
    out = subprocess.run(
        [*MUTMUT, "results", "--all", "true"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for line in out.splitlines():
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" in name:
            table[module_of(name)][status.strip()] += 1
    return table


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    # The tests must import the mutated copy in mutants/, never the checkout or the installed package.
    env["PYTHONPATH"] = str(ROOT / "mutants")
    env.setdefault("JOINTLY_SHARED_DIR", str(ROOT.parent / "shared"))
    options: list[str] = []
    if argv[:1] == ["--max-children"]:
        options, argv = argv[:2], argv[2:]
    patterns = [f"{m}*" for m in argv]
    run = subprocess.run([*MUTMUT, "run", *options, *patterns], cwd=ROOT, env=env)
    table = results(env)
    # a module asked for, or the module of a function asked for (its other functions keep their results)
    wanted = [
        m for m in sorted(table) if not argv or any(m.startswith(a) or a.startswith(f"{m}.") for a in argv)
    ]
    print(f"\n{'module':40} {'mutants':>8} {'survived':>9} {'score':>7}")
    worst = 100.0
    for module in wanted:
        counts = table[module]
        total = sum(counts.values())
        killed = sum(counts[s] for s in KILLED)
        score = 100.0 * killed / total if total else 100.0
        worst = min(worst, score)
        print(f"{module:40} {total:8d} {total - killed:9d} {score:6.1f}%")
    print("\nSurvivors: `.venv/bin/mutmut results` lists them; `.venv/bin/mutmut show NAME` shows one.")
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
