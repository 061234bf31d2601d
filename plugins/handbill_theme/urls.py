"""Each post's and page's address, worked out once per build.

Pelican works out `item.url` from the URL setting and the item's metadata each time a
template asks for it (about 80,000 instructions: a copy of the metadata, a relative path,
a format). A site's pages ask for it many times: each post on its own page, in every list
and feed that shows it, each menu page on every page. Once every generator has finished
its context, nothing an address is made from changes any more, so it is stored then the
way Pelican stores a `URL:` given in a post's metadata (`override_url`, which `item.url`
returns as it is). Items that already have one keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pelican.contents import Content

# The lists Pelican's article and page generators keep their items in.
LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "hidden_translations",
    "draft_translations",
)


def freeze_urls(generators: Iterable[Any]) -> None:
    for generator in generators:
        for name in LISTS:
            for item in getattr(generator, name, None) or ():
                if isinstance(item, Content) and not hasattr(item, "override_url"):
                    item.override_url = item.url
