"""The sign-up server: a small WSGI app (Flask) and its delivery worker, console script
`handbill-signup`. It runs beside the site, never inside a Pelican build, and imports no Pelican."""

__version__ = "0.1.0"
