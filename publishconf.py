"""Settings for the public site (`make publish`): pelicanconf.py plus these."""

import os
import sys

# Pelican loads this file by path; make its neighbour pelicanconf.py importable from anywhere.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: F403

# The address the site is published at, without a trailing slash.
SITEURL = os.environ.get("HANDBILL_SITEURL", "https://anytown-sos-nhs.example.org")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
# The public site is always built from the files themselves, never from the preview's cache,
# and writes none: a publish must not change what the preview reads.
# (Resized pictures are shared: handbill_images keeps them in cache/handbill_images by the
# picture's bytes; they hold no address, so either build may use the other's.)
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False

# Drafts (and posts held back until their date) are previewed, never published.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/category/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag/{slug}.rss.xml"
RSS_FEED_SUMMARY_ONLY = True
# Feed readers keep what they have already fetched, so a feed only needs the latest posts;
# 20 (Pelican's default is 100) keeps each of the ~200 category and tag feeds small to
# fetch and quick to build.
FEED_MAX_ITEMS = 20

# A broken link or an invalid event stops the publish with a list of every problem.
HANDBILL_CHECKS = {"fail_on_error": True}

# `make publish` and the scheduled `handbill-publish rebuild` (docs/operators.md); every
# setting is listed in handbill_publish/settings.py.
HANDBILL_PUBLISH = {
    # Where the rebuild uploads the site with rsync: a folder, or "user@host:/path/" over ssh.
    "upload_to": None,
    # Email the keeper ([list] keeper in signup.toml) when the site is this many days old.
    "stale_days": 3,
}
