"""Search that runs in the visitor's browser, from files the build writes (Pagefind).

- `search/index.html`: the search page (theme/templates/search.html), with a link to the
  news archive for browsers without JavaScript;
- `pagefind/`: the index of every post, page and event, written after the build
  (index.py), served from the site itself; only the search page loads it.
"""

from .plugin import register

__all__ = ["register"]
