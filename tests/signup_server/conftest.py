"""Fixtures for the sign-up tests: a real SMTP server (aiosmtpd) and the real app under
gunicorn with two worker processes, all on loopback."""

from __future__ import annotations

import pytest

from signup_support import Site, SmtpServer, free_port, start_server, stop_server, write_config


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def module_smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_smtp):
    """The app under gunicorn with two worker processes, email backend, shared by a module."""
    tmp = tmp_path_factory.mktemp("signup")
    port = free_port()
    path = write_config(tmp, module_smtp.port, port)
    s = Site(port, path)
    s.proc = start_server(path, port)
    yield s
    stop_server(s.proc)
