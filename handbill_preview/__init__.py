"""The preview (`make serve`): rebuild on save, refresh the browser, show problems in the page.

Pelican rebuilds the site when a file changes (its own `wait_for_changes`); this package
serves the preview folder and adds, only as it serves a page, a small script that reloads
the page after each build and shows the build's problems in a banner. The files written
are the same as without it, so nothing of the preview can reach the published site.
"""
