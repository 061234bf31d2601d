"""Generate a synthetic campaign site: posts, pages, images and events, outside the repository.

The posts look like a real group's ten years of news (headings, lists, quotes, links between
posts, pictures); the events use exactly the YAML format volunteers write (issue 3), with
recurring series, bank-holiday exceptions and per-occurrence changes.

    python -m bench.generate --posts 2000 --events 300 --series 50 --out /tmp/handbill-bench/site
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays

log = logging.getLogger(__name__)

# The build clock the events plugin is pinned to, so every run renders the same calendar.
NOW = datetime(2026, 11, 22, 12, 0)

CATEGORIES = ["News", "Hospital", "GP surgeries", "Health data", "Meetings", "Campaigns"]
AUTHORS = [
    "Margaret Okafor",
    "Gareth Llewellyn",
    "Tom Hargreaves",
    "Priya Shah",
    "Eileen Moss",
    "Daniel Kowalski",
    "Aisha Rahman",
    "Bernard Hughes",
    "Chloe Nwosu",
    "Fiona McLeod",
    "Hamid Karimi",
    "Joanna Price",
    "Kevin O'Brien",
    "Lucy Fenwick",
    "Sam Adeyemi",
]
TAG_ROOTS = [
    "a-and-e",
    "petition",
    "consultation",
    "gp-surgeries",
    "volunteers",
    "health-data",
    "opt-out",
    "council",
    "scrutiny",
    "funding",
    "staffing",
    "maternity",
    "mental-health",
    "ambulance",
    "privatisation",
    "public-meeting",
    "street-stall",
    "leaflets",
    "press",
    "icb",
    "trust-board",
    "waiting-lists",
    "pharmacy",
    "dentistry",
    "social-care",
]
_TEXT = (
    "the hospital board met on Tuesday and agreed to publish the options paper for the "
    "accident and emergency department after months of pressure from patients staff and "
    "councillors our volunteers handed out leaflets at the market and collected signatures "
    "from people who had waited hours for an ambulance the integrated care board says the "
    "review is about safety but nobody has seen the figures behind the plan we asked for the "
    "data under the freedom of information act and the answer came back three weeks late "
    "health records belong to patients and any sharing must be open lawful and consented "
    "the surgery on Marsh Lane still has no permanent partner and appointments are scarce "
    "members agreed to write to every councillor before the scrutiny committee meets again"
)
WORDS = _TEXT.split(" ")
IMAGE_NAMES = [f"photo-{n:02d}.svg" for n in range(12)]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
    '<rect width="640" height="360" fill="#{colour}"/>'
    '<text x="20" y="60" font-size="32">{name}</text></svg>\n'
)
PAGES = ["about", "join", "contact", "privacy", "take-action"]
VENUES = [
    ("United Reformed Church", "Norfolk Street, Anytown AN1 2JB", (53.3809, -1.4702)),
    ("Quaker Meeting House", "St James Street, Anytown AN1 2EW", (53.3812, -1.4741)),
    ("Central Library, Room 2", "Surrey Street, Anytown AN1 1XZ", None),
    ("Trades Council Hall", "West Street, Anytown AN1 4EX", (53.3802, -1.4790)),
    ("Marsh Lane Community Centre", "Marsh Lane, Anytown AN3 7QP", None),
]
WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ORDINAL_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth"}


@dataclass(frozen=True)
class Sizes:
    posts: int = 2000
    events: int = 300
    series: int = 50
    seed: int = 2026


def sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def post_body(rng: random.Random, earlier: list[str]) -> str:
    """About 600-900 words: what a real report of a meeting or an action looks like."""
    parts = [paragraph(rng), paragraph(rng)]
    for section in range(rng.randint(2, 4)):
        parts.append(f"## {sentence(rng, 3, 6)[:-1]}")
        parts.append(paragraph(rng))
        if section == 0:
            parts.append(
                "\n".join(
                    f"- **{sentence(rng, 2, 4)[:-1]}**: {sentence(rng)}"
                    for _ in range(rng.randint(3, 5))
                )
            )
        if section == 1:
            parts.append(f"> {sentence(rng)}\n> — a member, from the floor")
        if rng.random() < 0.4:
            image = rng.choice(IMAGE_NAMES)
            parts.append(f"![{sentence(rng, 3, 6)[:-1]}]({{static}}/images/{image})")
        parts.append(paragraph(rng))
    if earlier:
        # Links between posts, as volunteers write them; only to posts that exist.
        target = rng.choice(earlier)
        parts.append(
            f"Read our [earlier report]({{filename}}/posts/{target}) and "
            f"[find out how to join]({{filename}}/pages/join.md)."
        )
    return "\n\n".join(parts) + "\n"


def post_date(rng: random.Random, index: int, total: int) -> datetime:
    # Spread over ten years up to the pinned clock, oldest first, like a real archive.
    span = timedelta(days=3650)
    start = NOW - span
    offset = span * (index + rng.random() * 0.5) / max(total, 1)
    return (start + offset).replace(second=0, microsecond=0)


def write_posts(root: Path, rng: random.Random, count: int) -> None:
    posts = root / "posts"
    posts.mkdir(parents=True)
    tags = [f"{t}-{n}" if n else t for n in range(4) for t in TAG_ROOTS]
    names: list[str] = []
    for index in range(count):
        when = post_date(rng, index, count)
        name = f"{when:%Y-%m}-post-{index:05d}.md"
        header = [
            f"Title: {sentence(rng, 4, 9)[:-1]} ({index})",
            f"Date: {when:%Y-%m-%d %H:%M}",
            f"Category: {rng.choice(CATEGORIES)}",
            f"Tags: {', '.join(rng.sample(tags, rng.randint(2, 5)))}",
            f"Authors: {', '.join(rng.sample(AUTHORS, rng.choice([1, 1, 1, 2])))}",
            f"Slug: post-{index:05d}",
            f"Summary: {sentence(rng, 12, 24)}",
        ]
        body = post_body(rng, names[-50:])
        (posts / name).write_text("\n".join(header) + "\n\n" + body, encoding="utf-8")
        names.append(name)


def write_pages(root: Path, rng: random.Random) -> None:
    pages = root / "pages"
    pages.mkdir(parents=True)
    for slug in PAGES:
        title = slug.replace("-", " ").capitalize()
        text = f"Title: {title}\nSlug: {slug}\n\n{paragraph(rng)}\n\n{paragraph(rng)}\n"
        (pages / f"{slug}.md").write_text(text, encoding="utf-8")


def write_images(root: Path, rng: random.Random) -> None:
    images = root / "images"
    images.mkdir(parents=True)
    for name in IMAGE_NAMES:
        colour = f"{rng.randrange(0x1000000):06x}"
        (images / name).write_text(SVG.format(colour=colour, name=name), encoding="utf-8")


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + month - 1 + months
    return total // 12, total % 12 + 1


# Months whose early weeks hold no England and Wales bank holiday, so a change never lands
# on a date the series already skips.
SAFE_MONTHS = (2, 3, 6, 7, 9, 10, 11)
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2031))


def monthly_series(rng: random.Random, index: int) -> str:
    weekday = rng.randrange(5)
    nth = rng.choice([1, 2, 3])
    year, month = add_months(NOW.year, NOW.month, -rng.randint(6, 30))
    first = nth_weekday(year, month, weekday, nth)
    hour = rng.choice(["18:00", "18:30", "19:00", "19:15"])
    ordinal = f"{ORDINAL_NAMES[nth]} {WEEKDAY_NAMES[weekday]}"
    changes = []
    # Changes must fall on dates the rule gives: before `until`, and not a bank holiday.
    candidates = [add_months(year, month, k) for k in range(1, 30)]
    candidates = [ym for ym in candidates if ym[1] in SAFE_MONTHS and ym[0] <= NOW.year + 1]
    candidates = [ym for ym in candidates if nth_weekday(*ym, weekday, nth) not in BANK_HOLIDAYS]
    cancel_ym, move_ym = rng.sample(candidates, 2)
    cancel = nth_weekday(*cancel_ym, weekday, nth)
    moved = nth_weekday(*move_ym, weekday, nth)
    changes.append(f"  {cancel}: {{status: cancelled, note: Cancelled because of the strike}}")
    changes.append(
        f"  {moved}: {{start: {moved + timedelta(days=7)} {hour}, "
        f"location: {{name: Quaker Meeting House}}}}"
    )
    skip = nth_weekday(*rng.choice(candidates), weekday, nth)
    skip = skip if skip not in (cancel, moved) else None
    excepts = "[bank holidays" + (f", {skip}" if skip else "") + "]"
    until = f"  until: {NOW.year + 1}-12-31\n" if rng.random() < 0.7 else ""
    return series_yaml(
        index, f"{first} {hour}", "month", f"{ordinal}", until, excepts, changes, rng
    )


def weekly_series(rng: random.Random, index: int) -> str:
    weekday = rng.randrange(5)
    start = NOW.date() - timedelta(days=rng.randint(60, 400))
    start += timedelta(days=(weekday - start.weekday()) % 7)
    interval = rng.choice([1, 2])
    hour = rng.choice(["10:00", "12:30", "19:30"])
    # The occurrence ten intervals in is certainly a date of the rule.
    changed = start + timedelta(weeks=10 * interval)
    while changed in BANK_HOLIDAYS:
        changed += timedelta(weeks=interval)
    changes = [f"  {changed}: {{status: cancelled, note: Room unavailable}}"]
    extra = f"  interval: {interval}\n" if interval > 1 else ""
    return series_yaml(
        index,
        f"{start} {hour}",
        "week",
        WEEKDAY_NAMES[weekday],
        extra + "  count: 40\n",
        "[bank holidays]",
        changes,
        rng,
    )


def series_yaml(
    index: int,
    start: str,
    every: str,
    on: str,
    extra: str,
    excepts: str,
    changes: list[str],
    rng: random.Random,
) -> str:
    venue, address, geo = rng.choice(VENUES)
    geo_line = f"  geo: [{geo[0]}, {geo[1]}]\n" if geo else ""
    return (
        f"# Synthetic series {index}\n"
        f"title: Planning meeting {index}\n"
        f"id: series-{index:04d}\n"
        f"start: {start}\n"
        "duration: 1h30m\n"
        f"category: {rng.choice(['meetings', 'members', 'stalls'])}\n"
        f"tags: [planning, members]\n"
        "location:\n"
        f"  name: {venue}\n"
        f"  address: {address}\n"
        f"{geo_line}"
        "repeat:\n"
        f"  every: {every}\n"
        f"  on: {on}\n"
        f"{extra}"
        f"  except: {excepts}\n"
        "changes:\n" + "\n".join(changes) + "\n"
        "status: confirmed\n"
        "summary: Our regular meeting; everyone welcome\n"
        "description: |\n"
        "  Plan the month's **actions**, stalls and letters.\n\n"
        "  - tea from 5.45pm\n  - step-free access\n"
    )


def one_off(rng: random.Random, index: int) -> str:
    day = NOW.date() + timedelta(days=rng.randint(-400, 300))
    kind = rng.random()
    venue, address, _geo = rng.choice(VENUES)
    if kind < 0.15:  # an all-day, sometimes multi-day, festival or stall
        when = f"start: {day}\nend: {day + timedelta(days=rng.choice([0, 1, 2]))}\n"
    else:
        when = f"start: {day} {rng.choice(['11:00', '14:00', '18:30', '19:00'])}\nend: 21:00\n"
    where = (
        "online: https://meet.example.org/anytown\n"
        if kind > 0.85
        else f"location:\n  name: {venue}\n  address: {address}\n"
    )
    status = "cancelled" if rng.random() < 0.05 else rng.choice(["confirmed", "tentative"])
    return (
        f"title: {sentence(rng, 3, 6)[:-1]}\n"
        f"id: event-{index:04d}\n"
        f"{when}"
        f"category: {rng.choice(['demonstrations', 'public-meetings', 'screenings'])}\n"
        f"tags: [{', '.join(rng.sample(TAG_ROOTS, 2))}]\n"
        f"{where}"
        f"status: {status}\n"
        f"summary: {sentence(rng, 6, 12)}\n"
        f"description: |\n  {paragraph(rng)}\n\n  {paragraph(rng)}\n"
    )


def write_events(root: Path, rng: random.Random, count: int, series: int) -> None:
    events = root / "events"
    events.mkdir(parents=True)
    for index in range(count):
        if index < series:
            text = monthly_series(rng, index) if index % 2 == 0 else weekly_series(rng, index)
            name = f"series-{index:04d}.yaml"
        else:
            text = one_off(rng, index)
            name = f"event-{index:04d}.yaml"
        (events / name).write_text(text, encoding="utf-8")


def write_series_only(root: Path, count: int, seed: int = 7) -> Path:
    """A folder of `count` recurring series alone, for timing the calendar generation."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        text = monthly_series(rng, index) if index % 2 == 0 else weekly_series(rng, index)
        (root / f"series-{index:04d}.yaml").write_text(text, encoding="utf-8")
    return root


def generate(out: Path, sizes: Sizes) -> Path:
    """Write the whole site under `out/content`; returns the content folder."""
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    rng = random.Random(sizes.seed)
    write_posts(content, rng, sizes.posts)
    write_pages(content, rng)
    write_images(content, rng)
    write_events(content, rng, sizes.events, min(sizes.series, sizes.events))
    log.info("generated %d posts and %d events in %s", sizes.posts, sizes.events, content)
    return content


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("/tmp/handbill-bench/site"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate(args.out, Sizes(args.posts, args.events, args.series, args.seed))


if __name__ == "__main__":
    main()


__all__ = ["NOW", "Sizes", "generate", "write_series_only"]
