"""Join and contact forms for Handbill (Pelican side); the sign-up server is in `server/`."""

__version__ = "0.1.0"
