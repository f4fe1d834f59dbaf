"""Bluesky `app.bsky.feed.searchPosts` per keyword, signed in with an app password (required since January 2025).

A session comes from `com.atproto.server.createSession`; results are paged with `cursor` (newest first, with
`sort=latest`) until a post indexed no later than the newest one stored last time.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.exceptions import MalformedResponse
from crawlers.items import CursorMark, FoundPost
from crawlers.normalise import InvalidPost, RawPost, item_mapper
from crawlers.spiders.base import SourceSpider, opaque_id

PAGE_SIZE = 100


@item_mapper
def map_post(post: dict[str, Any]) -> RawPost:
    record = post.get("record") or {}
    created = record.get("createdAt") or post["indexedAt"]
    # The AT URI and every web link contain the author's DID, so neither is stored; the id is a hash of the URI
    return RawPost(
        platform="bluesky", external_id=opaque_id(post["uri"]), text=record.get("text") or "",
        created_at=datetime.fromisoformat(created.replace("Z", "+00:00")),
        author=post["author"]["did"], url=None,
        likes=post.get("likeCount"), shares=post.get("repostCount"), replies=post.get("replyCount"),
    )


class BlueskySpider(SourceSpider):
    kind = "bluesky"

    async def begin(self) -> Any:
        body = json.dumps({"identifier": self.secret(self.source.identifier_env),
                           "password": self.secret(self.source.app_password_env)})
        yield self.request(self.url("/xrpc/com.atproto.server.createSession"), self.parse_session,
                           method="POST", body=body, headers={"Content-Type": "application/json"},
                           dont_filter=True)

    def parse_session(self, response: Response) -> Iterator[Any]:
        session = self.json_of(response)
        token = session.get("accessJwt") if isinstance(session, dict) else None
        if not token:
            raise MalformedResponse(response.url, "the session has no accessJwt")
        for term, watchlist in self.search_terms():
            yield self.search(term, watchlist.name, token, cursor=None, page=1, newest=None)

    def search(self, term: str, watchlist: str, token: str, *, cursor: str | None, page: int,
               newest: str | None) -> Any:
        params = {"q": term, "sort": "latest", "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        return self.request(self.url(f"/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"), self.parse_search,
                            headers={"Authorization": f"Bearer {token}"},
                            cb_kwargs={"term": term, "watchlist": watchlist, "token": token, "page": page,
                                       "newest": newest})

    def parse_search(self, response: Response, term: str, watchlist: str, token: str, page: int,
                     newest: str | None) -> Iterator[Any]:
        data = self.json_of(response)
        if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
            raise MalformedResponse(response.url, "expected an object with 'posts'")
        query = f"search:{term}"
        stored = self.cursor(query).value
        reached_stored = False
        for post in data["posts"]:
            indexed = post.get("indexedAt") if isinstance(post, dict) else None
            if not isinstance(indexed, str):
                self.skip_item("a post without indexedAt")
                continue
            if stored and indexed <= stored:
                reached_stored = True
                continue
            newest = max(newest or indexed, indexed)
            try:
                raw = map_post(post)
            except InvalidPost as exc:
                self.skip_item(exc)
                continue
            yield FoundPost(raw=raw, query=query, searched_for=watchlist)
        if data.get("cursor") and data["posts"] and not reached_stored and page < self.max_pages:
            yield self.search(term, watchlist, token, cursor=data["cursor"], page=page + 1, newest=newest)
            return
        yield CursorMark(query=query, value=newest or stored)
