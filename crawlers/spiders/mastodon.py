"""Mastodon hashtag timelines: `Link` header paging with `max_id`, stopping at the newest id stored last time.

Accounts that opted out of search (`noindex` true or `indexable` false) are skipped: their posts are not
collected at all.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import Response

from crawlers.exceptions import MalformedResponse
from crawlers.items import CursorMark, FoundPost
from crawlers.matching import fold
from crawlers.normalise import InvalidPost, RawPost, item_mapper
from crawlers.spiders.base import SourceSpider, opaque_id, quote_term

PAGE_SIZE = 40
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def next_link(response: Response) -> str | None:
    header = (response.headers.get("Link") or b"").decode("latin-1")
    match = _NEXT.search(header)
    return match.group(1) if match else None


def opted_out(account: dict[str, Any]) -> bool:
    return account.get("noindex") is True or account.get("indexable") is False


@item_mapper
def map_status(status: dict[str, Any], instance: str) -> RawPost:
    status = status.get("reblog") or status
    account = status["account"]
    acct = account["acct"] if "@" in account["acct"] else f"{account['acct']}@{instance}"
    text = status.get("content") or ""
    if status.get("spoiler_text"):
        text = f"<p>{status['spoiler_text']}</p>{text}"
    tags = [t["name"] for t in status.get("tags") or [] if t.get("name")]
    missing = [f"#{t}" for t in tags if f"#{t}".casefold() not in text.casefold()]
    # `uri` and `url` contain the account name: the id is a hash of the uri, the link goes through the instance
    return RawPost(
        platform="mastodon", external_id=opaque_id(status.get("uri") or f"{instance}/{status['id']}"),
        text=" ".join([text, *missing]), is_html=True,
        created_at=datetime.fromisoformat(status["created_at"].replace("Z", "+00:00")),
        author=acct, url=f"https://{instance}/web/statuses/{status['id']}",
        likes=status.get("favourites_count"), shares=status.get("reblogs_count"),
        replies=status.get("replies_count"),
    )


class MastodonSpider(SourceSpider):
    kind = "mastodon"

    def tags(self) -> list[str]:
        """Hashtags of the run's watchlists, and their one-word keywords (which double as hashtags)."""
        tags: dict[str, None] = {}
        for term, _watchlist in self.search_terms():
            tag = fold(term).replace(" ", "")
            if tag and (term.startswith("#") or " " not in term.strip()):
                tags[tag] = None
        return list(tags)

    def headers(self) -> dict[str, str]:
        env = self.source.token_env
        return {"Authorization": f"Bearer {self.secret(env)}"} if env else {}

    async def begin(self) -> Any:
        for tag in self.tags():
            query = f"tag:{tag}"
            url = self.url(f"/api/v1/timelines/tag/{quote_term(tag)}?limit={PAGE_SIZE}")
            since = self.cursor(query).value
            if since:
                url += f"&since_id={since}"
            yield self.request(url, self.parse_page, headers=self.headers(),
                               cb_kwargs={"query": query, "page": 1, "newest": None})

    def parse_page(self, response: Response, query: str, page: int, newest: str | None) -> Iterator[Any]:
        statuses = self.json_of(response)
        if not isinstance(statuses, list):
            raise MalformedResponse(response.url, "expected a list of statuses")
        since = self.cursor(query).value
        if page == 1 and not statuses and not since:
            # Since 4.5 an instance can close its timelines to visitors: an empty first page may mean that.
            self.logger.warning("%s: empty hashtag timeline; if posts exist, the instance may require a token "
                                "(set token_env for this source)", response.url)
        instance = urlsplit(str(self.source.base_url)).netloc
        reached_stored = False
        for status in statuses:
            try:
                status_id = int(status["id"])
            except (KeyError, TypeError, ValueError):
                self.skip_item("a status without a numeric id")
                continue
            if since and status_id <= int(since):
                reached_stored = True
                break
            if newest is None or status_id > int(newest):
                newest = str(status_id)
            try:
                if opted_out((status.get("reblog") or status)["account"]):
                    self.crawler.stats.inc_value("leefwereld/skipped_noindex")
                    continue
                raw = map_status(status, instance)
            except (InvalidPost, KeyError, TypeError, AttributeError) as exc:
                self.skip_item(exc if isinstance(exc, InvalidPost) else "a status without an account")
                continue
            yield FoundPost(raw=raw, query=query)
        link = next_link(response)
        if statuses and link and not reached_stored and page < self.max_pages:
            yield self.request(self.rebase(link), self.parse_page, headers=self.headers(),
                               cb_kwargs={"query": query, "page": page + 1, "newest": newest})
            return
        yield CursorMark(query=query, value=newest or since)

    def rebase(self, link: str) -> str:
        """Follow a `Link` URL on the configured base (an instance behind a proxy reports its own host)."""
        base = urlsplit(str(self.source.base_url))
        target = urlsplit(link)
        prefix = base.path.rstrip("/")
        path = target.path if target.path.startswith(prefix + "/") else prefix + target.path
        return urlunsplit((base.scheme, base.netloc, path, target.query, ""))
