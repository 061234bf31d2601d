"""Build the real site with the real Pelican, as `make html` and `make publish` do."""

from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PAGES = ["about", "join", "contact", "privacy", "take-action"]


def build_site(output: Path, settings_file: str = "pelicanconf.py", **overrides) -> Path:
    """Build the site like `make html` / `make publish` do, into `output`."""
    settings = read_settings(
        str(ROOT / settings_file),
        override={
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            **overrides,
        },
    )
    Pelican(settings).run()
    return output


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file of a built site, by its path inside the site."""
    return {
        str(f.relative_to(site)): f.read_bytes() for f in sorted(site.rglob("*")) if f.is_file()
    }


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def post_metadata(post: Path) -> dict[str, str]:
    header = post.read_text(encoding="utf-8").split("\n\n", 1)[0]
    pairs = (line.split(":", 1) for line in header.splitlines() if ":" in line)
    return {key.strip().lower(): value.strip() for key, value in pairs}


POSTS = [post_metadata(p) for p in sorted((CONTENT / "posts").glob("*.md"))]
# Posts in a second language (`Lang:`, the original's `Slug:`), one folder per language.
TRANSLATIONS = [post_metadata(p) for p in sorted((CONTENT / "posts").glob("*/*.md"))]
