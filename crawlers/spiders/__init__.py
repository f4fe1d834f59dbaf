"""One spider per source kind; each yields FoundPost and CursorMark items and nothing else."""
from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.bluesky import BlueskySpider
from crawlers.spiders.feeds import RssSpider, YoutubeSpider
from crawlers.spiders.html import HtmlSpider
from crawlers.spiders.mastodon import MastodonSpider
from crawlers.spiders.reddit import RedditSpider
from crawlers.spiders.telegram import TelegramSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "rss": RssSpider,
    "youtube": YoutubeSpider,
    "mastodon": MastodonSpider,
    "bluesky": BlueskySpider,
    "telegram": TelegramSpider,
    "reddit": RedditSpider,
    "html": HtmlSpider,
}

__all__ = ["SPIDERS", "SourceSpider"]
