"""The sign-up server."""
