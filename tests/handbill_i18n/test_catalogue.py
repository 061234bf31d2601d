"""The catalogues: up to date with the code, the Welsh one complete, compiled from the .po."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from handbill_i18n import LOCALE_DIR, shipped, translations
from handbill_i18n.catalogue import TEMPLATE, as_bytes, extract, po_files, problems, read

ROOT = Path(__file__).resolve().parents[2]


def test_messages_pot_is_what_the_code_marks() -> None:
    # `make translations` writes it; a wrapped string missing here was never extracted.
    assert TEMPLATE.read_bytes() == as_bytes(extract()), (
        "handbill_i18n/locale/messages.pot is out of date: run `make translations`"
    )


def test_extraction_finds_every_kind_of_source() -> None:
    files = {loc[0] for message in extract() for loc in message.locations}
    for expected in (
        "theme/templates/base.html",
        "theme/templates/events/_macros.html",
        "theme/templates/signup/forms.html",
        "plugins/handbill_events/present.py",
        "signup_server/messages.py",
        "signup_server/templates/confirm.html",
        "handbill_i18n/dates.py",
    ):
        assert expected in files


def test_welsh_is_shipped() -> None:
    assert "cy" in shipped()


@pytest.mark.parametrize("po", po_files(), ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated_and_checked(po: Path) -> None:
    catalog = read(po)
    assert not problems(catalog), "\n".join(problems(catalog))
    wanted = {(m.context, m.id) for m in extract() if m.id}
    have = {(m.context, m.id) for m in catalog if m.id}
    assert wanted == have, f"{po}: run `make translations` (missing: {wanted - have})"


def test_problems_catches_fuzzy_untranslated_and_placeholder_mistakes() -> None:
    catalog = Catalog(locale="cy")
    catalog.add("Home", "Hafan")
    catalog.add("Events", "")
    catalog.add("News", "Newyddion", flags=["fuzzy"])
    catalog.add("Page %(number)s", "Tudalen %(rhif)s", flags=["python-format"])
    found = "\n".join(problems(catalog))
    assert "untranslated: 'Events'" in found
    assert "fuzzy" in found and "'News'" in found
    assert "rhif" in found
    assert "Home" not in found


def test_catalogue_is_compiled_from_the_po_without_fuzzy_entries() -> None:
    words = translations("cy")
    assert words.gettext("Home") == "Hafan"
    assert translations("cy-GB").gettext("Home") == "Hafan"  # the region falls back
    assert translations("en-GB").gettext("Home") == "Home"  # English is the source text
    # No .mo in git: the .po is the one copy.
    assert not list(LOCALE_DIR.rglob("*.mo"))


def test_catalogue_files_have_no_line_numbers_or_changing_dates() -> None:
    # Other helpers edit templates in parallel: line numbers would change every catalogue.
    for path in [TEMPLATE, *po_files()]:
        text = path.read_text(encoding="utf-8")
        assert not any(line.startswith("#:") and ":" in line[2:] for line in text.splitlines())
        assert "POT-Creation-Date: 2026-11-24 00:00+0000" in text
