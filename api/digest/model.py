"""The weekly digest as data: built once, rendered as HTML, Markdown, JSON or e-mail."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

SectionKind = Literal["emerging", "new", "growing", "active", "fading"]
SECTION_ORDER: tuple[SectionKind, ...] = ("emerging", "new", "growing", "active", "fading")


class DigestPost(BaseModel):
    platform: str
    created_at: datetime
    day: date | None = Field(None, description="The day it was written, in the configured time zone")
    text: str = Field(description="Redacted and shortened")


class DigestItem(BaseModel):
    trend_id: int
    label: str
    status: str
    volume: int = Field(description="Posts in the week")
    previous_volume: int = Field(description="Posts in the week before")
    change_percent: int | None = Field(description="Change against the week before; null when it had none")
    authors: int = Field(description="Distinct authors in the week (never more than `volume`)")
    platforms: dict[str, int] = Field(description="Posts in the week per platform; they add up to `volume` (empty "
                                                  "when the week's posts were purged and only the day counts remain)")
    summary: str = Field("", description="What the trend is, in one or two sentences")
    why: list[str] = Field(default_factory=list, description="Why it was flagged: a sentence, then one line per "
                                                              "criterion with its value and threshold")
    daily: list[int] = Field(description="Posts per day over the four weeks ending with this one")
    examples: list[DigestPost]
    path: str = Field(description="The trend's page, relative to the site")


class DigestCategory(BaseModel):
    name: str | None
    title: str
    severity: str | None
    items: list[DigestItem]


class DigestSection(BaseModel):
    kind: SectionKind
    title: str
    intro: str
    categories: list[DigestCategory]

    @property
    def count(self) -> int:
        return sum(len(category.items) for category in self.categories)


class Digest(BaseModel):
    week: str = Field(examples=["2026-W47"])
    lang: Literal["nl", "en"]
    title: str
    period: str
    start: datetime = Field(description="Monday 00:00 Europe/Amsterdam, in UTC")
    end: datetime
    generated_at: datetime
    organisation: str
    trend_count: int
    post_count: int
    totals: str = Field(description="The counts as a sentence, or that the week had nothing to report")
    coverage: str = Field("", description="Up to when the data of this week reaches, as a sentence")
    sections: list[DigestSection]
    sent_at: datetime | None = Field(None, description="When this digest was sent; it is kept as sent from then on")
    notes: list[str] = Field(default_factory=list, description="Changes made after sending, as dated sentences")
