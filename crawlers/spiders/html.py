"""A generic spider for forums and sites without feeds, configured with CSS or XPath selectors in YAML.

A selector starting with '/', './' or '(' is XPath, anything else CSS (`::text` and `::attr(name)` work). The
first item id on the first page is the cursor: the next run stops when it meets it again. A page that ends
before `</html>` is taken as cut off and refused whole.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from parsel import Selector, SelectorList
from scrapy.http import Response, TextResponse

from crawlers.exceptions import MalformedResponse
from crawlers.items import CursorMark, FoundPost
from crawlers.normalise import RawPost
from crawlers.spiders.base import SourceSpider


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 moment; one without a zone is taken as UTC, anything unreadable as unknown."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def select(node: Selector, selector: str) -> SelectorList:
    return node.xpath(selector) if selector.startswith(("/", "(", "./")) else node.css(selector)


def first(node: Selector, selector: str | None) -> str | None:
    if not selector:
        return None
    value = select(node, selector).get()
    return value.strip() if value else None


class HtmlSpider(SourceSpider):
    kind = "html"

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or datetime.now(UTC)

    async def begin(self) -> Any:
        for start_url in self.source.start_urls:
            yield self.request(self.url(start_url), self.parse_page,
                               cb_kwargs={"query": start_url, "page": 1, "first_id": None})

    def parse_page(self, response: TextResponse, query: str, page: int, first_id: str | None) -> Iterator[Any]:
        selectors = self.source.selectors
        if b"</html>" not in response.body[-500:].lower():
            raise MalformedResponse(response.url, "the page is cut off before </html>")
        nodes = select(response.selector, selectors.item)
        if page == 1 and not nodes:
            raise MalformedResponse(response.url, f"no item matched the selector {selectors.item!r}")
        stored = self.cursor(query).value
        reached_stored = False
        for node in nodes:
            raw = self.map_item(node, response)
            if raw is None:
                continue
            if stored and raw.external_id == stored:
                reached_stored = True
                break
            first_id = first_id or raw.external_id
            yield FoundPost(raw=raw, query=query)
        next_page = first(response.selector, selectors.next_page)
        if next_page and not reached_stored and page < self.source.max_pages:
            yield self.request(response.urljoin(next_page), self.parse_page,
                               cb_kwargs={"query": query, "page": page + 1, "first_id": first_id})
            return
        yield CursorMark(query=query, value=first_id or stored)

    def map_item(self, node: Selector, response: Response) -> RawPost | None:
        selectors = self.source.selectors
        text = " ".join(select(node, selectors.text).getall())
        if not text.strip():
            return None
        link = first(node, selectors.url)
        ident = first(node, selectors.id) or (response.urljoin(link) if link else None)
        if not ident:
            return None
        when = parse_datetime(first(node, selectors.created_at)) or self.now
        return RawPost(platform="web", external_id=f"{self.source.name}:{ident}"[:200], text=text, is_html=True,
                       created_at=when, url=response.urljoin(link) if link else response.url)
