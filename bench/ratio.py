"""`make bench-ratio`: the headline check alone, for any change that may cost build time.

    python -m bench.ratio --posts 2000 --events 300 --rounds 3

Builds the synthetic site with Handbill and with Pelican as it comes (bench/build.py's
DEFAULT_SETTINGS), in turns, and prints the medians and Handbill / Pelican. Exits with
status 1 when the ratio is over the limit (1.0): in instructions where Linux perf can
count them (steady to under 0.5 % between identical builds), else in CPU time, which
other work on the machine moves by several percent: run more rounds on a busy machine.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import build
from .generate import Sizes, generate
from .measure import summary

log = logging.getLogger("bench.ratio")

LIMIT = 1.0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=LIMIT)
    parser.add_argument("--out", type=Path, default=Path("/tmp/handbill-bench-ratio"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sizes = Sizes(args.posts, args.events, min(args.series, args.events))
    generate(args.out / "site", sizes)
    site = build.Site(args.out / "site")
    runs = build.alternate(site, args.rounds, ("handbill", "default"))
    result = {kind: summary(r) for kind, r in runs.items()}
    if any(s["failed"] for s in result.values()):
        log.error("a build failed: see %s", site.logs())
        return 2
    ratios = build.ratios(result, "default")
    measure = "instructions" if ratios["ratio_instructions"] is not None else "cpu"
    for kind, s in result.items():
        ins = s["instructions_median"]
        log.info(
            f"{build.LABELS[kind]}: median {s['wall_median']:.2f} s wall, "
            f"{s['cpu_median']:.2f} s CPU, "
            + (f"{ins / 1e9:.2f} G instructions" if ins else "instructions not counted")
        )
    log.info(
        f"Handbill / Pelican as it comes ({args.posts} posts, {args.rounds} rounds): "
        f"{ratios['ratio_wall']:.3f} wall, {ratios['ratio_cpu']:.3f} CPU"
        + (f", {ratios['ratio_instructions']:.3f} instructions" if measure != "cpu" else "")
    )
    ratio = ratios[f"ratio_{measure}"]
    if ratio > args.limit:
        log.info(f"over the limit: {ratio:.3f} > {args.limit:.2f} ({measure})")
        return 1
    log.info(f"within the limit: {ratio:.3f} <= {args.limit:.2f} ({measure})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
