"""Settings for previewing the site on your own computer (`make serve`, `make html`).

Change the values in the "Your group" section; the rest works as it is.
`publishconf.py` adds the settings for the public site on top of these.
"""

# --- Your group --------------------------------------------------------------
SITENAME = "Anytown Save Our NHS"
SITESUBTITLE = "Keeping Anytown's hospital, GP surgeries and health data in public hands"
AUTHOR = "Anytown Save Our NHS"
# The group's public address: contact links, and the organiser of every event in calendar apps.
CONTACT_EMAIL = "hello@anytown-sos-nhs.example.org"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# A notice shown at the top of every page; set to "" to hide it.
SITE_NOTICE = ""

# Links shown in the footer.
LINKS = (
    ("Health Campaigns Together", "https://healthcampaignstogether.example.org/"),
    ("Keep Our NHS Public", "https://keepournhspublic.example.org/"),
)

# --- Where things are ---------------------------------------------------------
SITEURL = ""
PATH = "content"
# Previews go to preview/ (also for a bare `pelican content`); output/ is the published site,
# which only `make publish` changes.
OUTPUT_PATH = "preview"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
# Listed explicitly so the output never depends on what else is installed.
PLUGINS = [
    "handbill_checks",
    "handbill_content",
    "handbill_events",
    "handbill_signup",
    "handbill_actions",
    "handbill_rendercache",
    "handbill_theme",
    "handbill_markdown",
    "handbill_feeds",
    "handbill_images",
]

# --- Events (plugins/handbill_events; every setting is listed in its settings.py) ----
HANDBILL_EVENTS = {
    # England and Wales bank holidays. Scotland: ("GB", "SCT"); Northern Ireland: ("GB", "NIR").
    "region": ("GB", "ENG"),
    # Calendar UIDs are "<id>@<uid_domain>": set once, never change it.
    "uid_domain": "anytown-sos-nhs.example.org",
}

# --- Campaign actions (plugins/handbill_actions; content/actions/, docs/volunteers.md) ---
# "counts_file": the confirmed counts the sign-up server keeps (signup.toml [actions]
# counts_file); the build bakes them into each action's page. A missing file shows zeros.
HANDBILL_ACTIONS = {
    "counts_file": "state/action-counts.json",
}

# --- Pictures (plugins/handbill_images; every setting is listed in its settings.py) ----
# Photos in content/images/ are published in these widths (pixels, never wider than the
# photo), without their camera details (EXIF, GPS location).
HANDBILL_IMAGES = {"widths": (480, 960, 1600)}

# --- Addresses of pages (pretty URLs: /news/2026/slug/) -----------------------
ARTICLE_URL = "news/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "news/{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "news/category/{slug}/"
CATEGORY_SAVE_AS = "news/category/{slug}/index.html"
TAG_URL = "news/tag/{slug}/"
TAG_SAVE_AS = "news/tag/{slug}/index.html"
AUTHOR_URL = "news/author/{slug}/"
AUTHOR_SAVE_AS = "news/author/{slug}/index.html"
ARCHIVES_URL = "news/archives/"
ARCHIVES_SAVE_AS = "news/archives/index.html"
YEAR_ARCHIVE_URL = "news/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "news/{date:%Y}/index.html"
CATEGORIES_URL = "news/categories/"
CATEGORIES_SAVE_AS = "news/categories/index.html"
TAGS_URL = "news/tags/"
TAGS_SAVE_AS = "news/tags/index.html"
AUTHORS_URL = "news/authors/"
AUTHORS_SAVE_AS = "news/authors/index.html"
DIRECT_TEMPLATES = [
    *("index", "archives", "categories", "tags", "authors"),
    *("404", "sitemap", "robots"),
]
SITEMAP_SAVE_AS = "sitemap.xml"
ROBOTS_SAVE_AS = "robots.txt"

DEFAULT_PAGINATION = 8
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# --- Feeds: off while previewing; publishconf.py turns them on ---------------
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# --- Build behaviour ------------------------------------------------------------
# A post dated in the future is held back (Pelican keeps it as a draft) until the first
# build after its date and time; the build lists each one held back. The daily rebuild
# publishes it then. Set to True to publish future-dated posts at once.
WITH_FUTURE_DATES = False
RELATIVE_URLS = False
SUMMARY_MAX_LENGTH = 40
TYPOGRIFY = False
# Curly quotes, dashes and ellipses ("--" -> en dash, "---" -> em dash, "..." -> ellipsis):
# Markdown's own smarty extension, made to skip text it would not change
# (plugins/handbill_markdown/smarty.py); the output is the same.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "handbill_markdown.smarty": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html",
}
# Same content -> same bytes: no build timestamps in the output.
OUTPUT_RETENTION = []
# While previewing, keep each post's converted text in cache/ and reread only the posts that
# changed since the last build. `make clean` empties it (do that after changing MARKDOWN).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"

# --- Theme ------------------------------------------------------------------------
# Pages (by slug) linked from the main menu and from the footer.
NAV_PAGES = ["about", "take-action", "join", "contact"]
FOOTER_PAGES = ["about", "privacy", "contact"]
# Picture shown when a page is shared on social media (a path inside the site).
SOCIAL_IMAGE = ""
SOCIAL_IMAGE_ALT = ""

# Templates escape every value unless marked |safe, so a title such as `A&E "review"` is
# always valid HTML. Content and summaries are HTML already and are marked |safe in the theme.
# Pelican makes a new template environment for every build (also each `make serve` rebuild),
# so checking template files for changes on every page (auto_reload) would only cost time.
# The theme's `{% once %}` tag (menus, footer, sidebar: the same on every page, rendered once
# per build) comes from plugins/handbill_theme/jinja.py.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "auto_reload": False,
    "extensions": ["handbill_i18n.jinja.Languages", "handbill_theme.jinja.BuildOnce"],
}

# --- Join and contact forms (plugins/handbill_signup/settings.py lists every setting) ---
# The consent wording, its version and the list's name come from the same signup.toml the
# sign-up server reads, so what the site shows is exactly what the server records.
# "server_url": where the sign-up server answers. Set it to None if you have no server:
# the forms then become email links to CONTACT_EMAIL, which work on any static hosting.
HANDBILL_SIGNUP = {
    "config": "signup.example.toml",
    "server_url": "/signup",
}
