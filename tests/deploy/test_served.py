"""What a visitor, a feed reader and a calendar app get from the guide's nginx and Caddy files.

Every test runs against each proxy (the `proxy` fixture), serving the published demo from
deploy/'s file with the real sign-up server behind /signup/.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import feedparser
import icalendar
import pytest

from deploy.servers import (
    CSP,
    DOMAIN,
    KEEPER,
    PER_IP,
    SEARCH_CSP,
    SECURITY_HEADERS,
    Deployed,
    Proxy,
)
from signup_support import JOIN, confirm_link

# A visitor's own address: any loopback address reaches the proxy, and this one is in no
# log unless the proxy writes visitors' addresses.
VISITOR_IP = "127.44.0.7"


@dataclass
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower(), [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


def fetch(
    port: int,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        found: dict[str, list[str]] = {}
        for key, value in resp.getheaders():
            found.setdefault(key.lower(), []).append(value)
        return Answer(resp.status, found, resp.read())
    finally:
        conn.close()


def one(root: Path, pattern: str) -> str:
    found = sorted(root.glob(pattern))
    assert found, f"the demo has no {pattern}"
    return "/" + str(found[0].relative_to(root))


def types_to_check(root: Path) -> dict[str, str]:
    """Address -> the Content-Type a browser, feed reader or calendar app needs."""
    return {
        "/": "text/html; charset=utf-8",
        "/join/": "text/html; charset=utf-8",
        one(root, "theme/css/*.css"): "text/css; charset=utf-8",
        "/feeds/all.atom.xml": "application/atom+xml; charset=utf-8",
        "/feeds/all.rss.xml": "application/rss+xml; charset=utf-8",
        one(root, "feeds/category/*.atom.xml"): "application/atom+xml; charset=utf-8",
        "/calendar.ics": "text/calendar; charset=utf-8",
        one(root, "calendar/*.ics"): "text/calendar; charset=utf-8",
        one(root, "events/*/*.ics"): "text/calendar; charset=utf-8",
        one(root, "**/*.svg"): "image/svg+xml",  # XML: a charset may be given, or not
    }


def same_type(got: str, expected: str) -> bool:
    """Same media type and, where `expected` names one, the same charset."""
    got_parts = [p.strip().lower() for p in got.split(";")]
    wanted = [p.strip() for p in expected.split(";")]
    return got_parts[0] == wanted[0] and (len(wanted) == 1 or got_parts[1:] == wanted[1:])


def test_regression_types_of_pages_styles_feeds_calendars(proxy: Proxy, deployed: Deployed):
    """The old guide's `types { text/calendar ics; }` in `server` replaced nginx's MIME map:
    every page, stylesheet and feed went out as application/octet-stream."""
    wrong = {}
    for path, expected in types_to_check(deployed.webroot).items():
        got = fetch(proxy.port, path)
        assert got.status == 200, (path, got.status)
        built = deployed.webroot / path.lstrip("/")
        assert got.body == (built / "index.html" if built.is_dir() else built).read_bytes(), path
        if not same_type(got.header("content-type"), expected):
            wrong[path] = got.header("content-type")
    assert not wrong, f"{proxy.kind} serves {wrong}"
    script = fetch(proxy.port, one(deployed.webroot, "theme/js/*.js"))
    kind = script.header("content-type")
    assert re.fullmatch(r"(text|application)/javascript(; ?charset=utf-8)?", kind), kind


def test_served_bytes_are_the_built_files_and_parse(proxy: Proxy, deployed: Deployed):
    """Independent parsers read what the proxy sends: feedparser and icalendar."""
    for path in ("/feeds/all.atom.xml", "/feeds/all.rss.xml", "/calendar.ics"):
        got = fetch(proxy.port, path, headers={"Accept-Encoding": "gzip"})
        assert got.body == (deployed.webroot / path.lstrip("/")).read_bytes(), path
        # Outlook's "subscribe from web" has failed on compressed calendars.
        assert "content-encoding" not in got.headers, (path, got.headers["content-encoding"])
    atom = feedparser.parse(fetch(proxy.port, "/feeds/all.atom.xml").body)
    assert not atom.bozo and atom.version == "atom10" and atom.entries
    rss = feedparser.parse(fetch(proxy.port, "/feeds/all.rss.xml").body)
    assert not rss.bozo and rss.version.startswith("rss") and rss.entries
    calendar = icalendar.Calendar.from_ical(fetch(proxy.port, "/calendar.ics").body)
    assert calendar.walk("VEVENT")


# A sign-up form far over the limits (nginx's 16 KB, the server's max_body_bytes).
OVERSIZED = b"email=a%40example.org&consent=yes&website=&padding=" + b"x" * 20_000


def answers_to_check(proxy: Proxy, deployed: Deployed) -> dict[str, tuple[int, Answer]]:
    """Name -> (the status it must have, the answer)."""
    port = proxy.port
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return {
        "page": (200, fetch(port, "/")),
        "stylesheet": (200, fetch(port, one(deployed.webroot, "theme/css/*.css"))),
        "calendar": (200, fetch(port, "/calendar.ics")),
        "feed": (200, fetch(port, "/feeds/all.atom.xml")),
        "missing page": (404, fetch(port, "/no-such-page/")),
        "missing calendar": (404, fetch(port, "/no-such-calendar.ics")),
        "sign-up server": (200, fetch(port, "/signup/health")),
        "sign-up server's 404": (404, fetch(port, "/signup/no-such-thing")),
        "oversized sign-up": (413, fetch(port, "/signup/subscribe", "POST", form, OVERSIZED)),
    }


def test_security_headers_on_every_answer_errors_too(proxy: Proxy, deployed: Deployed):
    missing = {}
    for name, (status, got) in answers_to_check(proxy, deployed).items():
        assert got.status == status, (proxy.kind, name, got.status)
        for header, value in SECURITY_HEADERS.items():
            if value not in got.headers.get(header, []):
                missing[f"{name} ({got.status}) {header}"] = got.headers.get(header)
    assert not missing, f"{proxy.kind}: {missing}"


def test_wasm_is_allowed_on_the_search_page_and_its_index_only(proxy: Proxy, deployed: Deployed):
    """Pagefind compiles WebAssembly ('wasm-unsafe-eval'); every other page keeps the strict
    policy, which does not allow it."""
    search = ["/search/", "/pagefind/pagefind.js", "/pagefind/pagefind-worker.js"]
    others = ["/", "/events/", one(deployed.webroot, "news/*/*/index.html")[: -len("index.html")]]
    for path in search + others:
        got = fetch(proxy.port, path)
        assert got.status == 200, (proxy.kind, path, got.status)
        expected = SEARCH_CSP if path in search else CSP
        assert got.headers.get("content-security-policy") == [expected], (proxy.kind, path)


def test_sign_up_server_answers_keep_its_own_stricter_policy(proxy: Proxy, deployed: Deployed):
    got = fetch(proxy.port, "/signup/confirm?t=bad")
    policies = got.headers["content-security-policy"]
    # The server's own policy and the site's: browsers apply both, so the stricter wins.
    assert CSP in policies and any("default-src 'none'" in p for p in policies), policies
    assert got.header("cache-control") == "no-store"


def test_repeat_calendar_poll_gets_304(proxy: Proxy):
    first = fetch(proxy.port, "/calendar.ics")
    assert first.status == 200
    assert re.search(r"max-age=3600", first.header("cache-control"))
    etag, modified = first.header("etag"), first.header("last-modified")
    for condition in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = fetch(proxy.port, "/calendar.ics", headers=condition)
        assert (again.status, again.body) == (304, b""), (proxy.kind, condition, again.status)
        assert again.header("etag") == etag


def test_the_404_page(proxy: Proxy, deployed: Deployed):
    page = (deployed.webroot / "404.html").read_bytes()
    for path in ("/no-such-page/", "/news/no-such-post/", "/no-such-calendar.ics"):
        got = fetch(proxy.port, path)
        assert got.status == 404, (path, got.status)
        assert got.body == page, path
        assert got.header("content-type").lower() == "text/html; charset=utf-8", path
        assert "cache-control" not in got.headers, (path, got.headers.get("cache-control"))


def test_visitors_cannot_pass_the_per_ip_limit_with_their_own_x_forwarded_for(
    proxy: Proxy, deployed: Deployed
):
    """The server counts the address the proxy saw, whatever X-Forwarded-For a visitor sends."""
    source = {"nginx": "127.44.1.1", "caddy": "127.44.1.2"}[proxy.kind]
    addresses = [f"spoof{i}.{proxy.kind}@example.org" for i in range(PER_IP + 2)]
    for i, address in enumerate(addresses):
        posted = fetch(
            proxy.port,
            "/signup/subscribe",
            "POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": f"198.51.100.{i}",
            },
            body=urlencode({**JOIN, "email": address}).encode(),
            source=source,
        )
        assert posted.status == 303  # limited or not, every visitor gets the same answer
    deployed.drain()
    confirmed = [address for address in addresses if deployed.mail(address)]
    assert confirmed == addresses[:PER_IP], proxy.kind


def test_sign_up_server_down_gives_502_not_the_404_page(proxy: Proxy, deployed: Deployed):
    with deployed.server_stopped():
        got = fetch(proxy.port, "/signup/subscribe", "POST", body=urlencode(JOIN).encode())
    assert got.status == 502, (proxy.kind, got.status)
    assert got.body != (deployed.webroot / "404.html").read_bytes()
    for header, value in SECURITY_HEADERS.items():
        assert value in got.headers.get(header, []), (proxy.kind, header)
    assert fetch(proxy.port, "/signup/health").status == 200, "the server did not come back"


# Caddy redirects to HTTPS by itself; nginx's file has a server block for it.
@pytest.mark.parametrize("proxy", ["nginx"], indirect=True)
def test_nginx_sends_plain_http_to_https(proxy: Proxy):
    assert proxy.redirect_port is not None
    got = fetch(proxy.redirect_port, "/join/?from=poster", headers={"Host": DOMAIN})
    assert got.status == 301
    assert got.header("location") == f"https://{DOMAIN}/join/?from=poster"
    # certbot's challenge for the renewal is answered, not redirected.
    challenges = proxy.folder / "acme" / ".well-known" / "acme-challenge"
    challenges.mkdir(parents=True)
    (challenges / "renewal-token").write_bytes(b"renewal-token.key")
    got = fetch(proxy.redirect_port, "/.well-known/acme-challenge/renewal-token")
    assert (got.status, got.body) == (200, b"renewal-token.key")


def test_sign_up_through_the_proxy_leaves_no_address_or_token_in_any_log(
    proxy: Proxy, deployed: Deployed
):
    visitor = f"log.check.{proxy.kind}@example.org"
    assert fetch(proxy.port, "/join/", source=VISITOR_IP).status == 200
    # nginx's error log names the visitor for a missing file unless told not to.
    assert fetch(proxy.port, "/join/old-form.php", source=VISITOR_IP).status == 404
    form = {**JOIN, "email": visitor}
    posted = fetch(
        proxy.port,
        "/signup/subscribe",
        "POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": deployed.url},
        body=urlencode(form).encode(),
        source=VISITOR_IP,
    )
    assert posted.status == 303, posted.body[:300]
    assert posted.header("location") == f"{deployed.url}/join/check-your-email/"

    link = confirm_link(deployed.deliver(visitor))
    token = link.split("t=", 1)[1]
    assert fetch(proxy.port, link, source=VISITOR_IP).status == 200
    done = fetch(
        proxy.port,
        "/signup/confirm",
        "POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": deployed.url},
        body=urlencode({"t": token}).encode(),
        source=VISITOR_IP,
    )
    assert done.status == 303 and done.header("location") == f"{deployed.url}/join/welcome/"
    assert f"email: {visitor}" in deployed.deliver(KEEPER, visitor).msg.get_content()

    logs = proxy.logs()
    # The logs are there and record the visit (so the checks below look at the right files).
    assert any("/join/" in text for text in logs.values()), (proxy.kind, list(logs))
    secrets = {
        "the visitor's address": VISITOR_IP,
        "the email address": visitor,
        "the email address, URL-encoded": visitor.replace("@", "%40"),
        "the confirmation token": token,
        "the token's first characters": token[:24],
    }
    leaks = [
        f"{name} in {log}"
        for log, text in logs.items()
        for name, secret in secrets.items()
        if secret in text
    ]
    assert not leaks, f"{proxy.kind}: {leaks}"
