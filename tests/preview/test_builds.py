"""The rebuild loop's builds, with the real Pelican: problems in, crashes caught."""

from __future__ import annotations

import shutil
from pathlib import Path

from handbill_preview.builds import Builder, BuildState, setup_logging
from sitebuild import CONTENT, ROOT

SETTINGS = """\
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa: F403

THEME = {theme!r}
CACHE_PATH = {cache!r}
"""


def builder(tmp_path: Path, theme: Path = ROOT / "theme") -> Builder:
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(CONTENT, content)
    settings = tmp_path / "previewconf.py"
    settings.write_text(
        SETTINGS.format(root=str(ROOT), theme=str(theme), cache=str(tmp_path / "cache"))
    )
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "preview")}
    return Builder(settings, overrides, BuildState())


def test_each_build_lists_its_own_problems(tmp_path: Path) -> None:
    build = builder(tmp_path)
    build.build()
    assert build.state.problems == []
    first = build.state.build
    bad = tmp_path / "content" / "events" / "bad.yaml"
    bad.write_text("title: Stall\nstart: 2026-02-30 10:00\n")
    build.build()
    assert build.state.build != first
    (found,) = build.state.problems
    assert (found.level, found.file, found.line) == ("error", "events/bad.yaml", 2)
    assert "is not a real date" in found.text
    bad.unlink()
    build.build()
    assert build.state.problems == []


def test_a_build_that_stops_is_a_problem_and_the_next_build_starts_clean(
    tmp_path: Path,
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    good = article.read_text()
    article.write_text(good.replace("{% block content %}", "{% block content %}{% if %}", 1))
    build = builder(tmp_path, theme)
    build.build()
    assert not build.state.building
    texts = [p.text for p in build.state.problems]
    assert any(t.startswith("The build stopped: TemplateSyntaxError") for t in texts), texts
    article.write_text(good)
    build.build()
    assert build.state.problems == []


def test_a_mistake_in_the_settings_is_shown_not_fatal(tmp_path: Path) -> None:
    build = builder(tmp_path)
    build.settings_file.write_text("SITENAME = 'unclosed\n")
    build.build()
    (found,) = build.state.problems
    assert found.text.startswith("previewconf.py: ") and found.level == "error"
    build.settings_file.write_text(
        SETTINGS.format(root=str(ROOT), theme=str(ROOT / "theme"), cache=str(tmp_path / "cache"))
    )
    build.build()
    assert build.state.problems == []


def test_a_mistake_in_a_plugin_setting_names_the_setting_once(tmp_path: Path) -> None:
    build = builder(tmp_path)
    text = build.settings_file.read_text()
    build.settings_file.write_text(text + 'HANDBILL_CHECKS = {"fail_on_eror": True}\n')
    build.build()
    (found,) = build.state.problems
    assert found.text.startswith("previewconf.py: HANDBILL_CHECKS.fail_on_eror: unknown setting"), (
        found.text
    )


def test_settings_that_fail_on_errors_still_list_every_problem(tmp_path: Path) -> None:
    build = builder(tmp_path)
    text = build.settings_file.read_text()
    build.settings_file.write_text(text + 'HANDBILL_CHECKS = {"fail_on_error": True}\n')
    (tmp_path / "content" / "events" / "bad.yaml").write_text("title: X\nstart: 2026-02-30\n")
    build.build()
    texts = [p.text for p in build.state.problems]
    assert texts[0].startswith("events/bad.yaml:2: start:"), texts
    assert any(t.startswith("The build stopped: SystemExit") for t in texts), texts


WARNER = """
import logging
from pelican import signals

log = logging.getLogger("warner")


def warn(generators):
    log.warning("posts/a.md:1: Tags: an empty tag")


def register():
    signals.all_generators_finalized.connect(warn)
"""


def test_a_warning_still_there_is_listed_by_every_build(tmp_path: Path) -> None:
    # Pelican prints each warning once per process; a preview rebuilds in one process.
    setup_logging()
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "warner.py").write_text(WARNER)
    build = builder(tmp_path)
    text = build.settings_file.read_text()
    extra = f"PLUGIN_PATHS = [*PLUGIN_PATHS, {str(plugins)!r}]\nPLUGINS = [*PLUGINS, 'warner']\n"
    build.settings_file.write_text(text + extra)
    for rebuild in range(2):
        build.build()
        assert [(p.level, p.text) for p in build.state.problems] == [
            ("warning", "posts/a.md:1: Tags: an empty tag")
        ], f"build {rebuild + 1}"
