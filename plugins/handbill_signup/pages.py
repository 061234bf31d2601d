"""The static pages the sign-up server sends visitors to, and the consent wording as JSON.

Built with the site, so the server never renders anything but its small confirm page, and
the pages look like the rest of the site.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from .settings import RESULT_PAGES, SignupSettings, read

log = logging.getLogger(__name__)
CONSENT_JSON = "signup-consent.json"


class ResultPagesGenerator(Generator):
    def generate_context(self) -> None:
        # Read and checked once, at start (see `initialized`); read here only without it.
        known = self.settings.get("JINJA_GLOBALS", {}).get("handbill_signup")
        self.signup = known if isinstance(known, SignupSettings) else read(self.settings)

    def generate_output(self, writer: Any) -> None:
        template = self.get_template("signup/result")
        for kind in RESULT_PAGES:
            path = self.signup.pages[kind].strip("/")
            writer.write_file(
                f"{path}/index.html",
                template,
                self.context,
                result=kind,
                signup=self.signup,
                url=f"{path}/",
                relative_urls=self.settings["RELATIVE_URLS"],
            )
        self._write_consent()

    def _write_consent(self) -> None:
        # Every wording version with its hash, so a consent record can be checked against
        # what the site showed.
        data = {
            "group": self.signup.group_name,
            "current": self.signup.consent_version,
            "versions": [s.as_dict() for s in self.signup.consent.all],
        }
        out = Path(self.output_path, CONSENT_JSON)
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def get_generators(pelican: Any) -> type[ResultPagesGenerator]:
    return ResultPagesGenerator
