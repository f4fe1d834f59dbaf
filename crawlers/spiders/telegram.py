"""Telegram public channel previews (`t.me/s/<channel>`), paged backwards with `?before=<lowest id>`."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from parsel import Selector
from scrapy.http import Response

from crawlers.exceptions import MalformedResponse
from crawlers.items import CursorMark, FoundPost
from crawlers.normalise import InvalidPost, RawPost, item_mapper
from crawlers.spiders.base import SourceSpider

MULTIPLIERS = {"K": 1_000, "M": 1_000_000}


def parse_views(text: str | None) -> int | None:
    """'2' -> 2, '1.5K' -> 1500, '3M' -> 3000000."""
    if not text:
        return None
    text = text.strip().upper()
    factor = MULTIPLIERS.get(text[-1:], 1)
    try:
        return int(float(text.rstrip("KM")) * factor)
    except ValueError:
        return None


@item_mapper
def map_message(node: Selector, channel: str) -> RawPost | None:
    post_id = (node.attrib.get("data-post") or "").rsplit("/", 1)[-1]
    text = node.css(".tgme_widget_message_text").get()
    when = node.css("a.tgme_widget_message_date time::attr(datetime)").get()
    if not post_id.isdigit() or not text or not when:
        return None  # service messages and media without a caption carry nothing to classify
    signer = node.css(".tgme_widget_message_from_author::text").get()
    return RawPost(
        platform="telegram", external_id=f"{channel}/{post_id}", text=text, is_html=True,
        created_at=datetime.fromisoformat(when), author=f"{channel}/{signer}" if signer else channel,
        url=node.css("a.tgme_widget_message_date::attr(href)").get(),
        views=parse_views(node.css(".tgme_widget_message_views::text").get()),
    )


class TelegramSpider(SourceSpider):
    kind = "telegram"

    async def begin(self) -> Any:
        for channel in self.source.channels:
            yield self.request(self.url(f"/s/{channel}"), self.parse_page,
                               cb_kwargs={"channel": channel, "page": 1, "newest": None})

    def parse_page(self, response: Response, channel: str, page: int, newest: int | None) -> Iterator[Any]:
        query = f"channel:{channel}"
        if not response.css(".tgme_channel_history, .tgme_widget_message_wrap, .tme_no_messages_found"):
            raise MalformedResponse(response.url, "not a Telegram channel preview page")
        if b"</html>" not in response.body[-200:].lower():
            raise MalformedResponse(response.url, "the page is cut off before </html>")
        stored = int(self.cursor(query).value or 0)
        ids: list[int] = []
        for node in response.css("div.tgme_widget_message[data-post]"):
            number = node.attrib["data-post"].rsplit("/", 1)[-1]
            if not number.isdigit():
                self.skip_item(f"a message with post id {number[:40]!r}")
                continue
            post_id = int(number)
            ids.append(post_id)
            if post_id <= stored:
                continue
            try:
                raw = map_message(node, channel)
            except InvalidPost as exc:
                self.skip_item(exc)
                continue
            if raw is not None:
                yield FoundPost(raw=raw, query=query)
        if ids:
            newest = max(newest or 0, max(ids))
        lowest = min(ids) if ids else 0
        if ids and lowest > stored + 1 and page < self.max_pages:
            yield self.request(self.url(f"/s/{channel}?before={lowest}"), self.parse_page,
                               cb_kwargs={"channel": channel, "page": page + 1, "newest": newest})
            return
        yield CursorMark(query=query, value=str(max(newest or 0, stored)) if (newest or stored) else None)
