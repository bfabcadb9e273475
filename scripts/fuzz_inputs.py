"""Fuzz every input of the CLI: mutated scenarios, parameter files, plans, experiments, CBS CSVs, flags.

Usage (from the project root, with the project on PYTHONPATH):
    python scripts/fuzz_inputs.py --count 10000 [--seed 1] [--start 0] [--kinds scenario,plan,...]
                                  [--corpus DIR]

Prints, per input kind, how many inputs were refused with a clear message (exit 2), accepted with
finite, non-negative results, ended with "no run succeeded" (explore), and how many violated the
rules (traceback, NaN/negative results with exit 0, files left behind); exits 1 on any violation.
``--corpus DIR`` also saves the first inputs of each kind there (the suite's checked-in corpus).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

from tests.fuzz.harness import KINDS

CORPUS_PER_KIND = 6


def main() -> int:
    """Run the fuzz campaign and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="first input number (to split a campaign)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    kinds = args.kinds.split(",")
    counts: dict[str, Counter[str]] = {name: Counter() for name in kinds}
    violations: list[str] = []
    started = time.perf_counter()
    for number in range(args.start, args.start + args.count):
        name = kinds[number % len(kinds)]
        rng = random.Random(args.seed * 1_000_003 + number)
        with tempfile.TemporaryDirectory() as folder:
            outcome = KINDS[name](rng, Path(folder))
            saved = sum(counts[name].values()) < CORPUS_PER_KIND
            if args.corpus is not None and saved:
                for file in Path(folder).glob("*.*"):
                    args.corpus.mkdir(parents=True, exist_ok=True)
                    shutil.copy(file, args.corpus / f"{name}-{number:05d}-{file.name}")
        counts[name][outcome.kind] += 1
        if outcome.kind == "violation":
            violations.append(f"{name} #{number} (seed {args.seed}): {outcome.detail}")
        if (number + 1) % 500 == 0:
            print(
                f"{number + 1:,} inputs, {len(violations)} violations, {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    first, last = args.start, args.start + args.count - 1
    print(
        f"\n{args.count:,} inputs (numbers {first}-{last}, seed {args.seed}) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    print(f"{'kind':<12}{'tried':>8}{'refused':>9}{'accepted':>10}{'no run':>8}{'violations':>12}")
    for name in kinds:
        c = counts[name]
        tried = sum(c.values())
        print(f"{name:<12}{tried:>8}{c['refused']:>9}{c['accepted']:>10}{c['no_run']:>8}{c['violation']:>12}")
    for line in violations[:40]:
        print(line)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
