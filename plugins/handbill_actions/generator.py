"""The Pelican generator: load (handbill_config.actions) -> validate (problems logged as
errors, so a publish fails) -> model (present.py, with the baked counts) -> render (one page
per action, the list on "Take action", the privacy notice's section)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import markdown
from pelican.generators import Generator

from handbill_config.actions import Action, load_actions

from .counts import Count, find, read_counts
from .present import ActionView, view
from .settings import Resolved, read

log = logging.getLogger(__name__)

# Where a page or post places the generated parts (a line of its own, like [[join-form]]).
MARKERS = {"actions": "actions/list.html", "action-data": "actions/privacy.html"}
MARKER = re.compile(r"<p>\s*\[\[(actions|action-data)\]\]\s*</p>|\[\[(actions|action-data)\]\]")
FILENAME_LINK = re.compile(r"""\{(?:filename|static)\}/?([^"'\s)>]+)""")
CONTENT_LISTS = ("articles", "pages", "hidden_pages", "hidden_articles", "draft_pages")


class ActionsGenerator(Generator):
    """Reads content/actions/*.md; every piece of state lives on the instance."""

    def generate_context(self) -> None:
        self.cfg: Resolved = read(self.settings)
        actions, problems = load_actions(
            self.cfg.folder, self.cfg.timezone, shown_as=self.cfg.shown_folder
        )
        for problem in problems:
            log.error("%s", problem)
        counts = read_counts(find(self.cfg.counts_file, Path(self.path)))
        md = _markdown(self.settings.get("MARKDOWN") or {})
        server = _server_url(self.settings)
        self.views: list[ActionView] = [
            view(action, counts.get(action.slug, Count()), self.cfg, server, self._body(action, md))
            for action in actions
            if action.published
        ]
        # Open actions first on the Take action list, closed ones after (file-name order).
        self.listed = sorted(self.views, key=lambda item: not item.open)
        self.context["handbill_actions"] = self.listed
        self._fill_markers()

    def _body(self, action: Action, md: markdown.Markdown) -> str:
        """The text above the form, as HTML with `{filename}` links resolved (a letter's
        body is the letter itself, laid out by the template)."""
        if action.kind == "letter" or not action.body:
            return ""
        html = md.reset().convert(action.body)
        return FILENAME_LINK.sub(lambda m: self._link(m, action), html)

    def _link(self, match: re.Match[str], action: Action) -> str:
        target = match[1]
        found = self.context.get("generated_content", {}).get(target) or self.context.get(
            "static_content", {}
        ).get(target)
        if found is None:
            line = action.body_line + action.body[: action.body.find(match[0])].count("\n")
            log.error(
                "%s:%d: link: %s is not a post, page or file of the site — check the path "
                "under content/, like {filename}/posts/2025-06-how-to-opt-out.md",
                action.source,
                line,
                match[0],
            )
            return "#"
        return f"{self.cfg.siteurl}/{found.url}"

    def _fill_markers(self) -> None:
        """Put the list and the privacy section where a page or post asks for them."""
        rendered: dict[tuple[str, str], str] = {}
        for name in CONTENT_LISTS:
            for content in self.context.get(name) or []:
                html = getattr(content, "_content", None)
                if not html or "[[action" not in html:
                    continue

                lang = getattr(content, "lang", None) or self.settings.get("DEFAULT_LANG")

                def substitute(match: re.Match[str], lang: str = lang) -> str:
                    # Rendered once per marker and language, in the page's language.
                    marker = match[1] or match[2]
                    if (marker, lang) not in rendered:
                        template = self.env.get_template(MARKERS[marker])
                        shown = self.listed if marker == "actions" else self.views
                        rendered[marker, lang] = template.render(
                            {**self.context, "actions": shown, "DEFAULT_LANG": lang}
                        )
                    return rendered[marker, lang]

                content._content = MARKER.sub(substitute, html)

    def generate_output(self, writer: Any) -> None:
        template = self.get_template("actions/action")
        for item in self.views:
            self._write(writer, template, item, item.save_as)
            if item.action.signing and item.open and item.sign_url:
                # For a tablet at a stall: the same form with the stall code the server's
                # `handbill-signup stall open --form <slug>` gives (not linked, not indexed).
                self._write(writer, template, item, f"{item.path}stall/index.html", stall=True)

    def _write(self, writer: Any, template: Any, item: ActionView, save_as: str, **extra) -> None:
        writer.write_file(
            save_as,
            template,
            self.context,
            v=item,
            url=item.path,
            stall=extra.get("stall", False),
            relative_urls=self.settings.get("RELATIVE_URLS", False),
        )


def _markdown(settings: dict[str, Any]) -> markdown.Markdown:
    configs = settings.get("extension_configs", {})
    return markdown.Markdown(
        extensions=[*settings.get("extensions", []), *configs],
        extension_configs=configs,
        output_format=settings.get("output_format", "html"),
    )


def _server_url(settings: dict[str, Any]) -> str:
    """The sign-up server's address as handbill_signup resolved it ("" without one)."""
    signup = settings.get("JINJA_GLOBALS", {}).get("handbill_signup")
    if signup is None or not getattr(signup, "server", False):
        return ""
    return signup.subscribe_url.removesuffix("/subscribe")


def get_generators(pelican: Any) -> type[ActionsGenerator]:
    return ActionsGenerator
