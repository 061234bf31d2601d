"""Preview rebuilds that re-render only the pages an edit changed.

Pelican's content cache spares re-reading unchanged posts, but it still renders every
page of the site on each rebuild. This plugin remembers, for each page it wrote, what
the page was made from, and serves the page already in the output folder when none of
that changed. Pipeline: digest.py (a stable digest of what a page is made from) ->
record.py (what the last build wrote, in CACHE_PATH) -> cache.py (decide per page:
reuse or render, and note what each render read) -> writer.py (Pelican's Writer, wired
to the cache).

It works only while previewing (CACHE_CONTENT and LOAD_CONTENT_CACHE on, as in
pelicanconf.py); a publish always renders every page.
"""

from pelican import signals

from .settings import initialized
from .writer import finalized, get_writer

__all__ = ["register"]


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(finalized)
