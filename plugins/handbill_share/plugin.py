"""Wiring: settings checked at start, `share_links` for templates, the Mastodon page."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from .links import MASTODON_PAGE, share_links
from .settings import ShareSettings, read


class MastodonPageGenerator(Generator):
    def generate_output(self, writer: Any) -> None:
        settings: ShareSettings = self.settings["JINJA_GLOBALS"]["handbill_share"]
        if "mastodon" not in settings.services:
            return
        writer.write_file(
            f"{MASTODON_PAGE}index.html",
            self.get_template("share/mastodon"),
            self.context,
            share_page=MASTODON_PAGE,
            relative_urls=self.settings["RELATIVE_URLS"],
        )


def initialized(pelican: Any) -> None:
    share = read(pelican.settings)
    jinja_globals = dict(pelican.settings.get("JINJA_GLOBALS", {}))
    jinja_globals["handbill_share"] = share
    site_url = pelican.settings.get("SITEURL", "")
    jinja_globals["share_links"] = ShareLinks(site_url, tuple(share.services))
    pelican.settings["JINJA_GLOBALS"] = jinja_globals


class ShareLinks:
    """`share_links(url, title)` in templates. Its repr names its settings, never a memory
    address: the preview's render cache compares settings by their text."""

    def __init__(self, site_url: str, services: tuple[str, ...]) -> None:
        self.site_url = site_url
        self.services = services

    def __call__(self, url: str, title: str) -> list[tuple[str, str]]:
        return share_links(url, title, self.site_url, self.services)

    def __repr__(self) -> str:
        return f"ShareLinks({self.site_url!r}, {self.services!r})"


def get_generators(pelican: Any) -> type[MastodonPageGenerator]:
    return MastodonPageGenerator


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
