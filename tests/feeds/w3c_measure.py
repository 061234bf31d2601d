"""Run the W3C Feed Validation Service's own code on every feed of a built site: a manual
measurement (the validator is not a package and cannot be installed in CI; tests/feeds pins
its rules instead).

    git clone <the w3c/feedvalidator repository> /tmp/feedvalidator
    python3 -m venv /tmp/fv && /tmp/fv/bin/pip install lxml html5lib rdflib
    .venv/bin/pelican content -o /tmp/site -s publishconf.py
    /tmp/fv/bin/python tests/feeds/w3c_measure.py /tmp/feedvalidator /tmp/site \\
        https://anytown-sos-nhs.example.org -v

Counts the feeds with errors (what the online service calls an invalid feed) and those with
warnings only ("recommendations"); -v prints the messages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def out(line: str) -> None:
    sys.stdout.write(line + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("validator", type=Path, help="a checkout of w3c/feedvalidator")
    parser.add_argument("site", type=Path, help="the built site (output folder)")
    parser.add_argument("siteurl", help="the address the site was built for (SITEURL)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(args.validator / "src"))
    import feedvalidator
    from feedvalidator import compatibility
    from feedvalidator.formatter.text_plain import Formatter

    feeds = [p for p in sorted(args.site.rglob("*.xml")) if p.name != "sitemap.xml"]
    failing = warned = 0
    for path in feeds:
        address = f"{args.siteurl.rstrip('/')}/{path.relative_to(args.site).as_posix()}"
        try:
            result = feedvalidator.validateString(
                path.read_bytes(), firstOccurrenceOnly=1, base=address
            )
            events = result["loggedEvents"]
        except feedvalidator.logging.ValidationFailure as failure:
            events = [failure.event]
        errors, notes = compatibility.A(events), compatibility.AA(events)
        failing += bool(errors)
        warned += bool(notes) and not errors
        if args.verbose and notes:
            out(f"== {address}: {len(errors)} errors, {len(notes) - len(errors)} warnings")
            out("\n".join(f"    {line}" for line in Formatter(notes)))
    out(f"{len(feeds)} feeds; {failing} with errors; {warned} more with warnings only")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
