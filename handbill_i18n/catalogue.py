"""`make translations`: the catalogue template from the code, and every language updated.

    python -m handbill_i18n.catalogue          # update messages.pot and each .po
    python -m handbill_i18n.catalogue check    # what a translator still has to do

Where the words are is `babel.cfg` (Babel's own format). The files are written without line
numbers and with fixed header dates, so the same code gives the same bytes and an edit to a
template elsewhere does not change the catalogues (helpers edit templates in parallel).
A changed English text comes back as a fuzzy entry (Babel's guess from the old one):
`tests/handbill_i18n` fails until a translator has checked it and removed the `fuzzy` flag.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from . import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
FIXED_DATE = datetime(2026, 11, 24, tzinfo=UTC)  # headers: the same bytes on every run
SKIP = {"node_modules", "tests", "bench", "preview", "output", "cache", "content", "docs"}
HEADER = """\
# The words visitors and supporters read on a Handbill site, its sign-up server and mails.
# This file is distributed under the same license as Handbill (MIT).
#"""


def _keep(path: str) -> bool:
    name = Path(path).name
    return name not in SKIP and not name.startswith((".", "_"))


def extract(root: Path = ROOT) -> Catalog:
    """Every marked message in the code, as a Babel catalogue."""
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(
        domain=DOMAIN,
        header_comment=HEADER,
        project="Handbill",
        version="1",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )
    found = extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=_keep,
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def as_bytes(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=96, sort_by_file=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)


def update() -> None:
    """messages.pot from the code; each .po brought in line with it."""
    template = extract()
    TEMPLATE.write_bytes(as_bytes(template))
    for path in po_files():
        catalog = read(path)
        catalog.update(template, update_creation_date=False)
        catalog.revision_date = FIXED_DATE
        path.write_bytes(as_bytes(catalog))


def problems(catalog: Catalog) -> list[str]:
    """Untranslated and fuzzy entries, and translations whose placeholders differ."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ident = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"untranslated: {ident!r}")
        elif message.fuzzy:
            found.append(f"fuzzy (check it, then remove the flag): {ident!r}")
    for message, errors in catalog.check():
        found += [f"{message.id!r}: {error}" for error in errors]
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        status = 0
        for path in po_files():
            for problem in problems(read(path)):
                sys.stdout.write(f"{path.relative_to(ROOT)}: {problem}\n")
                status = 1
        return status
    update()
    sys.stdout.write(f"updated {TEMPLATE.relative_to(ROOT)} and {len(po_files())} translation(s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
