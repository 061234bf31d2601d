"""The Flask app: thin HTTP around `SignupService`.

Every answer is a 303 to a fixed, pre-built page of the site (never a target taken from the
request), or a small page rendered here with autoescaping and nothing the visitor sent in it,
or JSON when the client asks for it (`Accept: application/json`).
"""

from __future__ import annotations

import json
import logging
import traceback

from flask import Flask, Response, jsonify, redirect, render_template, request
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from handbill_i18n import install as install_translations, translations

from .actions import ActionService, UnknownAction
from .config import Config
from .messages import gettext_for
from .service import Outcome, SignupService, Status, Visitor
from .spool import SERVER_LOCK, Spool
from .store import CounterStore, SQLiteStore
from .validate import BadRequest, parse_body

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}

FIELD_ANCHORS = {"consent_version": "consent"}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > 0


def create_app(cfg: Config, store: CounterStore | None = None, spool: Spool | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body
    app.jinja_env.add_extension("jinja2.ext.i18n")
    install_translations(app.jinja_env, cfg.language)
    store = store or SQLiteStore(cfg.state_file)
    spool = spool or Spool(cfg.spool_dir)
    # While this process lives, crash recovery leaves its held jobs alone (spool.py).
    spool.announce(SERVER_LOCK)
    service = SignupService(cfg, store, spool)
    app.extensions["handbill_signup"] = service
    if cfg.proxy_hops:
        # Trust X-Forwarded-For only as far as our own reverse proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=cfg.proxy_hops)  # type: ignore[method-assign]
    views = Views(app, cfg, service)
    ActionViews(app, views, ActionService(cfg, service))
    return app


class Views:
    def __init__(self, app: Flask, cfg: Config, service: SignupService) -> None:
        self.cfg, self.service = cfg, service
        prefix = cfg.path_prefix
        app.add_url_rule(f"{prefix}/subscribe", view_func=self.subscribe, methods=["POST"])
        app.add_url_rule(f"{prefix}/confirm", view_func=self.confirm_page, methods=["GET"])
        app.add_url_rule(
            f"{prefix}/confirm", view_func=self.confirm, methods=["POST"], endpoint="confirm_post"
        )
        app.add_url_rule(f"{prefix}/contact", view_func=self.contact, methods=["POST"])
        app.add_url_rule(f"{prefix}/leave-request", view_func=self.leave_request, methods=["POST"])
        app.add_url_rule(f"{prefix}/leave", view_func=self.leave_page, methods=["GET"])
        app.add_url_rule(
            f"{prefix}/leave", view_func=self.leave, methods=["POST"], endpoint="leave_post"
        )
        app.add_url_rule(f"{prefix}/health", view_func=self.health, methods=["GET"])
        app.register_error_handler(HTTPException, self.http_error)
        app.register_error_handler(Exception, self.crash)
        app.after_request(self.secure)

    # --- helpers ----------------------------------------------------------------------

    def _visitor(self) -> Visitor:
        return Visitor(
            request.remote_addr or "", request.headers.get("Origin"), request.headers.get("Referer")
        )

    def _fields(self) -> dict[str, str]:
        return parse_body(self._body(), request.headers.get("Content-Type"))

    def _body(self) -> bytes:
        # MAX_CONTENT_LENGTH only catches a too-large Content-Length; a chunked body has
        # none, so read one byte more than allowed and refuse anything longer.
        # read() may return less than asked (one chunk at a time): loop until EOF.
        body = b""
        while chunk := request.stream.read(self.cfg.max_body + 1 - len(body)):
            body += chunk
            if len(body) > self.cfg.max_body:
                raise RequestEntityTooLarge()
        # gunicorn hands the app the raw stream: a client that announces more than it sends
        # and then stops gets a short read, not an error. A truncated form is not a form.
        if request.content_length is not None and len(body) != request.content_length:
            raise BadRequest("the body is shorter than its Content-Length")
        return body

    def _page(self, template: str, status: int, **context) -> Response:
        html = render_template(template, cfg=self.cfg, **context)
        return Response(html, status=status, mimetype="text/html")

    def _answer(self, outcome: Outcome, success_page: str, form_page: str, form: str) -> Response:
        if outcome.status is Status.OK:
            return self._go(success_page, "ok")
        if outcome.status is Status.EXPIRED:
            # A dead leave link goes to the leave page, where a fresh one can be asked for.
            page = "leave_form" if form == "leave" else "expired"
            return self._go(page, "expired", code=400)
        if outcome.status is Status.UNAVAILABLE:
            return self._go("try_later", "unavailable", code=503)
        # Made in English (marked with N_), shown in the site's language.
        gettext = translations(self.cfg.language).gettext
        translated = {f: gettext(m) for f, m in outcome.errors.items()}
        if wants_json():
            return self._json(400, "invalid", errors=translated)
        # consent_version has no visible field: its message points at the consent box.
        errors = {
            ("consent" if f == "consent_version" and "consent" not in translated else f): m
            for f, m in translated.items()
        }
        return self._page(
            "invalid.html",
            400,
            errors=errors,
            form=form,
            anchors=FIELD_ANCHORS,
            form_url=self.cfg.page_url(form_page),
        )

    def _go(self, page: str, status: str, code: int = 200) -> Response:
        url = self.cfg.page_url(page)
        if wants_json():
            return self._json(code, status, next=url)
        return redirect(url, code=303)

    def _json(self, code: int, status: str, **extra) -> Response:
        response = jsonify(ok=code < 400, status=status, **extra)
        response.status_code = code
        return response

    def _bad_request(self) -> Response:
        if wants_json():
            return self._json(400, "bad-request")
        return self._page(
            "error.html",
            400,
            title=translations(self.cfg.language).gettext("We could not read that form"),
            back=self.cfg.page_url("join_form"),
        )

    # --- views ------------------------------------------------------------------------

    def subscribe(self) -> Response:
        return self._handle(self.service.subscribe, "check_email", "join_form", "join")

    def contact(self) -> Response:
        return self._handle(self.service.contact, "contact_sent", "contact_form", "contact")

    def confirm(self) -> Response:
        return self._handle(self.service.confirm, "welcome", "join_form", "join")

    def leave_request(self) -> Response:
        return self._handle(self.service.leave_request, "leave_check_email", "leave_form", "leave")

    def leave(self) -> Response:
        """The leave button, or a mail program's RFC 8058 one-click POST: that one sends
        `List-Unsubscribe=One-Click` as the body, the token staying in the URL."""
        if set(request.args) - {"t"}:
            return self._bad_request()
        return self._handle(self.service.leave, "left", "leave_form", "leave", query_token=True)

    def leave_page(self) -> Response:
        """Changes nothing (mail scanners open links): the button posts the token back."""
        token = request.args.get("t", "")
        if set(request.args) - {"t"} or self.service.check_leave_token(token) is None:
            return self._go("leave_form", "expired", code=400)
        if wants_json():
            return self._json(200, "leave", method="POST", action=request.path)
        return self._page("leave.html", 200, token=token, action=request.path)

    def _handle(
        self, action, success_page: str, form_page: str, form: str, query_token: bool = False
    ) -> Response:
        try:
            fields = self._fields()
            if query_token and "t" in request.args and "t" not in fields:
                fields["t"] = request.args["t"]
            outcome = action(fields, self._visitor())
        except BadRequest as exc:
            log.info("%s: bad request (%s)", form, exc)
            return self._bad_request()
        return self._answer(outcome, success_page, form_page, form)

    def confirm_page(self) -> Response:
        """Changes nothing: mail scanners open links. The button posts the token back."""
        token = request.args.get("t", "")
        if set(request.args) - {"t"} or self.service.check_token(token) is None:
            return self._answer(Outcome(Status.EXPIRED), "welcome", "join_form", "join")
        if wants_json():
            return self._json(200, "confirm", method="POST", action=request.path)
        # Only a token that passed the signature check is put back into the page.
        return self._page("confirm.html", 200, token=token, action=request.path)

    def health(self) -> Response:
        return Response("ok\n", mimetype="text/plain")

    # --- every response ------------------------------------------------------------------

    def secure(self, response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            if name != "Cache-Control":
                response.headers[name] = value
        # Only the counters say they may be cached (public numbers); all else: no-store.
        response.headers.setdefault("Cache-Control", SECURITY_HEADERS["Cache-Control"])
        return response

    def http_error(self, exc: HTTPException) -> Response:
        if isinstance(exc, RequestEntityTooLarge):
            title = translations(self.cfg.language).gettext("That was too much to send")
            code = 413
        else:
            title, code = exc.name, exc.code or 500
        if wants_json():
            return self._json(code, "error")
        return self._page("error.html", code, title=title, back=self.cfg.page_url("join_form"))

    def crash(self, exc: Exception) -> Response:
        # Where it happened, but not the message: that could quote what the visitor sent.
        where = "".join(traceback.format_tb(exc.__traceback__))
        log.error("unexpected error %s at\n%s", type(exc).__name__, where)
        return self._go("try_later", "unavailable", code=503)


class ActionViews:
    """Campaign actions' routes: thin, like `Views`, around `ActionService`."""

    def __init__(self, app: Flask, views: Views, actions: ActionService) -> None:
        self.views, self.actions, self.cfg = views, actions, views.cfg
        base = f"{self.cfg.path_prefix}/actions/<slug>"
        rules = (
            ("sign", self.sign, ["POST"]),
            ("confirm", self.confirm_page, ["GET"]),
            ("confirm", self.confirm, ["POST"]),
            ("withdraw", self.withdraw_page, ["GET"]),
            ("withdraw", self.withdraw, ["POST"]),
            ("count.json", self.count, ["GET"]),
        )
        for path, view, methods in rules:
            app.add_url_rule(
                f"{base}/{path}",
                endpoint=f"action_{view.__name__}",
                view_func=view,
                methods=methods,
            )
        app.register_error_handler(UnknownAction, self.unknown)

    def unknown(self, exc: UnknownAction) -> Response:
        return self.views.http_error(NotFound())

    # --- views ------------------------------------------------------------------------

    def sign(self, slug: str) -> Response:
        return self._handle(slug, self.actions.sign, signed=True)

    def confirm(self, slug: str) -> Response:
        return self._handle(slug, self.actions.confirm)

    def withdraw(self, slug: str) -> Response:
        """The button, or a mail program's RFC 8058 one-click POST (token in the URL)."""
        if set(request.args) - {"t"}:
            return self.views._bad_request()
        return self._handle(slug, self.actions.withdraw, query_token=True, withdrawn=True)

    def confirm_page(self, slug: str) -> Response:
        """Changes nothing (mail scanners open links): the button posts the token back."""
        action = self.actions.book.get(slug)
        token = request.args.get("t", "")
        if set(request.args) - {"t"} or self.actions.check_signing(slug, token) is None:
            return self._answer(slug, Outcome(Status.EXPIRED))
        if wants_json():
            return self.views._json(200, "confirm", method="POST", action=request.path)
        return self.views._page(
            "action_confirm.html", 200, action=action, token=token, form_action=request.path
        )

    def withdraw_page(self, slug: str) -> Response:
        action = self.actions.book.get(slug)
        token = request.args.get("t", "")
        signer = self.actions.check_withdraw(slug, token)
        if set(request.args) - {"t"} or signer is None:
            return self._answer(slug, Outcome(Status.EXPIRED))
        if not self.actions.signatures.has(slug, signer):
            return self._done(slug, withdrawn=True)  # taken back or erased already
        if wants_json():
            return self.views._json(200, "withdraw", method="POST", action=request.path)
        return self.views._page(
            "action_withdraw.html", 200, action=action, token=token, form_action=request.path
        )

    def count(self, slug: str) -> Response:
        """The counter, for the page's small script: public numbers, cacheable, no cookie."""
        body = json.dumps(self.actions.count(self.actions.book.get(slug)), sort_keys=True)
        response = Response(body, mimetype="application/json")
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    # --- helpers ----------------------------------------------------------------------

    def _handle(
        self,
        slug: str,
        act,
        query_token: bool = False,
        signed: bool = False,
        withdrawn: bool = False,
    ) -> Response:
        self.actions.book.get(slug)  # an unknown action is a 404, before reading anything
        try:
            fields = self.views._fields()
            if query_token and "t" in request.args and "t" not in fields:
                fields["t"] = request.args["t"]
            outcome = act(slug, fields, self.views._visitor())
        except BadRequest as exc:
            log.info("action %s: bad request (%s)", slug, exc)
            return self.views._bad_request()
        if outcome.status is Status.OK and signed:
            return self.views._go("check_email", "ok")
        return self._answer(slug, outcome, withdrawn)

    def _answer(self, slug: str, outcome: Outcome, withdrawn: bool = False) -> Response:
        action = self.actions.book.get(slug)
        _ = gettext_for(self.cfg)
        if outcome.status is Status.OK:
            return self._done(slug, withdrawn)
        if outcome.status is Status.UNAVAILABLE:
            return self.views._go("try_later", "unavailable", code=503)
        page = self.cfg.action_url(slug)
        if outcome.status is Status.EXPIRED:
            if wants_json():
                return self.views._json(400, "expired", next=page)
            heading = _("That link has expired")
            text = _(
                "Links work for a limited time, and only until what they stand for is "
                "erased. You can sign again on the action's page."
            )
            return self.views._page(
                "action_problem.html", 400, action=action, heading=heading, text=text, page=page
            )
        if wants_json():
            return self.views._json(400, "invalid", errors=outcome.errors)
        return self.views._page(
            "action_problem.html",
            400,
            action=action,
            heading=_("Please check the form"),
            errors=outcome.errors,
            page=page,
        )

    def _done(self, slug: str, withdrawn: bool) -> Response:
        action = self.actions.book.get(slug)
        page = self.cfg.action_url(slug)
        if wants_json():
            return self.views._json(200, "ok", next=page)
        _ = gettext_for(self.cfg)
        if withdrawn:
            heading = _("Taken back")
            text = _(
                "Your signature or vote no longer counts, and we have deleted what we kept of it."
            )
        elif action.kind == "poll":
            heading = _("Thank you: your vote counts")
            text = _("Your vote is in. One vote per person: voting again changes nothing.")
        else:
            heading = _("Thank you: your signature counts")
            text = _(
                "Your signature is confirmed and counted. Share the page with people who care."
            )
        # A poll whose rule is "after_vote": the voter sees the counts right here.
        results = None if withdrawn else self.actions.count(action)["results"]
        return self.views._page(
            "action_done.html",
            200,
            action=action,
            heading=heading,
            text=text,
            page=page,
            results=results,
        )


__all__ = ["create_app"]
