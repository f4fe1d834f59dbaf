"""Reddit listings and search through OAuth (application-only), off by default.

Reddit's robots.txt disallows crawling since 2024 and new API apps need Reddit's approval, so this runs only
with approved credentials and `enabled: true`. Always `raw_json=1` (else `&`, `<`, `>` come back escaped);
paged with `after` until a post no newer than the newest one stored last time.
"""
from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapy.http import Response

from crawlers.exceptions import MalformedResponse
from crawlers.items import CursorMark, FoundPost
from crawlers.normalise import InvalidPost, RawPost, item_mapper
from crawlers.spiders.base import SourceSpider

PAGE_SIZE = 100


@item_mapper
def map_link(data: dict[str, Any]) -> RawPost:
    text = "\n".join(part for part in (data.get("title"), data.get("selftext")) if part)
    return RawPost(
        platform="reddit", external_id=data["name"], text=text,
        created_at=datetime.fromtimestamp(float(data["created_utc"]), tz=UTC),
        author=data.get("author_fullname") or data.get("author"),
        url=f"https://www.reddit.com{data['permalink']}" if data.get("permalink") else data.get("url"),
        likes=data.get("score"), replies=data.get("num_comments"),
    )


class RedditSpider(SourceSpider):
    kind = "reddit"

    async def begin(self) -> Any:
        client_id = self.secret(self.source.client_id_env)
        secret = self.secret(self.source.client_secret_env)
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        auth = str(self.source.auth_url)
        token_url = urljoin(auth if auth.endswith("/") else auth + "/", "api/v1/access_token")
        yield self.request(token_url, self.parse_token, method="POST", body="grant_type=client_credentials",
                           headers={"Authorization": f"Basic {basic}",
                                    "Content-Type": "application/x-www-form-urlencoded"},
                           dont_filter=True)

    def queries(self) -> Iterator[tuple[str, str, dict[str, str], str | None]]:
        """(query key, path, parameters, watchlist searched for)."""
        for sub in self.source.subreddits:
            yield f"r/{sub}/new", f"/r/{sub}/new", {}, None
        for term, watchlist in self.search_terms():
            scope = f"/r/{'+'.join(self.source.subreddits)}/search" if self.source.subreddits else "/search"
            params = {"q": term, "sort": "new", "restrict_sr": "1" if self.source.subreddits else "0"}
            yield f"search:{term}", scope, params, watchlist.name

    def parse_token(self, response: Response) -> Iterator[Any]:
        data = self.json_of(response)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise MalformedResponse(response.url, "no access_token in the token response")
        for query, path, params, watchlist in self.queries():
            yield self.listing(query, path, params, watchlist, token, after=None, page=1, newest=None)

    def listing(self, query: str, path: str, params: dict[str, str], watchlist: str | None, token: str, *,
                after: str | None, page: int, newest: float | None) -> Any:
        full = {**params, "limit": str(PAGE_SIZE), "raw_json": "1", **({"after": after} if after else {})}
        return self.request(self.url(f"{path}?{urlencode(full)}"), self.parse_listing,
                            headers={"Authorization": f"Bearer {token}"},
                            cb_kwargs={"query": query, "path": path, "params": params, "watchlist": watchlist,
                                       "token": token, "page": page, "newest": newest})

    def parse_listing(self, response: Response, query: str, path: str, params: dict[str, str],
                      watchlist: str | None, token: str, page: int, newest: float | None) -> Iterator[Any]:
        data = self.json_of(response)
        try:
            children, after = data["data"]["children"], data["data"].get("after")
        except (KeyError, TypeError):
            raise MalformedResponse(response.url, "not a Reddit listing") from None
        stored = float(self.cursor(query).value or 0)
        reached_stored = False
        for child in children:
            try:
                post = child.get("data") or {}
                created = float(post.get("created_utc") or 0)
            except (AttributeError, TypeError, ValueError):
                self.skip_item("a listing entry without a creation time")
                continue
            if created <= stored:
                reached_stored = True
                continue
            newest = max(newest or created, created)
            if child.get("kind") == "t3":
                try:
                    raw = map_link(post)
                except InvalidPost as exc:
                    self.skip_item(exc)
                    continue
                yield FoundPost(raw=raw, query=query, searched_for=watchlist)
        if after and children and not reached_stored and page < self.max_pages:
            yield self.listing(query, path, params, watchlist, token, after=after, page=page + 1, newest=newest)
            return
        value = newest or (stored or None)
        yield CursorMark(query=query, value=repr(value) if value else None)
