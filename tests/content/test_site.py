"""Near-miss names across posts: a misspelling stops a publish, numbered names do not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sitebuild import CONTENT, ROOT

POST = "Title: {title}\nDate: 2025-03-0{day} 10:00\nCategory: News\nTags: {tag}\n\nText.\n"


def test_numbered_tags_are_a_warning_not_an_error_regression_bench_site(tmp_path: Path) -> None:
    """The bench site's "icb-1" beside "icb-2" failed every publish as a near-miss."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for day in (1, 2):
        (content / "posts" / f"ward-{day}.md").write_text(
            POST.format(title=f"Ward {day} news", day=day, tag=f"ward {day}"), encoding="utf-8"
        )
    pelican = Path(sys.executable).parent / "pelican"
    settings = str(ROOT / "publishconf.py")
    done = subprocess.run(
        [str(pelican), str(content), "-o", str(tmp_path / "output"), "-s", settings],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"COLUMNS": "4000", "PATH": "/usr/bin:/bin"},
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    warning = [line for line in log.splitlines() if "is used by no other post" in line]
    assert len(warning) == 2 and all("WARNING" in line for line in warning), log
    assert "posts/ward-1.md:4: Tags: 'ward 1' is used by no other post — did you mean " in log
