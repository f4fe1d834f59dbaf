"""The weekly digest built from real rows: sections, escaping, redaction, e-mail, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.digest import (
    InvalidWeekError,
    build_digest,
    make_digest_email_renderer,
    parse_week,
    render_digest_email,
    render_digest_html,
    render_digest_json,
    render_digest_markdown,
)
from api.digest.weeks import last_complete_week
from models.analysis import CategoryAssignment
from models.content import Post
from monitor_config import MonitorConfig
from tests.trend_factory import at, link_trends, make_trend, spread

WEEK = parse_week("2026-W47")  # Monday 16 November 2026
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script> kijk dit"
PHONE_POST = "bel me op 06-12345678 voor de gelblaster"
OTHER_RISK = "die drill beef tussen de twee wijken staat nu ook op de buurtapp"  # a member about another risk


def build_week(session: Session) -> dict[str, int]:
    w46, w47 = date(2026, 11, 9), date(2026, 11, 16)
    trends = {
        "emerging": make_trend(session, label="Gelblaster bij de metro", first_seen=at(date(2026, 11, 2)),
                               last_seen=at(date(2026, 11, 21)), emerging_at=at(date(2026, 11, 18)),
                               status="emerging", daily=spread(w46, [1] * 7 + [2, 3, 8, 12, 15, 9, 4]),
                               posts=["gelblaster gezien bij de metro"],
                               other_posts=[(PHONE_POST, at(date(2026, 11, 18))),
                                            (OTHER_RISK, at(date(2026, 11, 19)))]),
        "new": make_trend(session, label="Expose-pagina Noord", category="online-shaming", status="new",
                          first_seen=at(date(2026, 11, 17)), last_seen=at(date(2026, 11, 20)),
                          daily=spread(date(2026, 11, 17), [1, 2, 1]), posts=[SCRIPT], review_status="confirmed"),
        "growing": make_trend(session, label="Orbeez in de klas", first_seen=at(date(2026, 10, 1)),
                              last_seen=at(date(2026, 11, 22)), daily=spread(w46, [1, 1, 0, 1, 0, 1, 0] + [2] * 7),
                              posts=["oud bericht uit oktober"],
                              other_posts=[("nieuw bericht deze week", at(date(2026, 11, 19)))]),
        "uncategorised": make_trend(session, label="Schoolwifi kapot", category=None,
                                    first_seen=at(date(2026, 11, 17)), daily=spread(w47, [4, 4])),
        "fading": make_trend(session, label="Drill beef Zuidoost", category="online-shaming", status="fading",
                             first_seen=at(date(2026, 9, 1)), last_seen=at(date(2026, 11, 17)),
                             daily=spread(w46, [2] * 7 + [1, 1, 0, 0, 0, 0, 0]), review_status="confirmed"),
        "unreviewed": make_trend(session, label="Wacht op beoordeling", category="online-shaming", status="new",
                                 first_seen=at(date(2026, 11, 18)), review_status="pending",
                                 daily=spread(date(2026, 11, 18), [6])),
        "steady": make_trend(session, label="Zelfde als altijd", first_seen=at(date(2026, 9, 1)),
                             last_seen=at(date(2026, 11, 22)), daily=spread(w46, [1] * 14)),
        "dismissed": make_trend(session, label="Afgewezen", first_seen=at(date(2026, 11, 17)),
                                review_status="dismissed", daily=spread(w47, [5])),
        "last_week": make_trend(session, label="Vorige week nieuw", first_seen=at(date(2026, 11, 10)),
                                emerging_at=at(date(2026, 11, 11)), last_seen=at(date(2026, 11, 18)),
                                daily=spread(w46, [2] * 7 + [2] * 7)),
    }
    link_trends(session, trends["last_week"], trends["steady"], "split", at(date(2026, 11, 17)))
    link_trends(session, trends["unreviewed"], trends["growing"], "split", at(date(2026, 11, 18)))  # not named
    for text, category in ((PHONE_POST, "gelblasters"), (OTHER_RISK, "drill-online-threats")):
        post = session.exec(select(Post).where(Post.text == text)).one()
        session.add(CategoryAssignment(post_id=post.id or 0, category=category, probability=0.9, model="test"))
    session.commit()
    return {name: trend.id or 0 for name, trend in trends.items()}


@pytest.fixture(scope="module")
def engine(shared_engine: Engine) -> Engine:
    """The tests only read: one database per backend for the module."""
    return shared_engine


@pytest.fixture(scope="module")
def digest_rows(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return build_week(session)


def test_sections_classify_new_emerging_growing_still_active_and_fading(
        engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    """A trend of a risk category that goes on at the same pace (last week's new one, a steady one) is still listed:
    a youth worker reading this week's digest must not think it is over."""
    with Session(engine) as session:
        digest = build_digest(session, week=WEEK, config=small_config, now=NOW)
    placed = {section.kind: [item.trend_id for c in section.categories for item in c.items]
              for section in digest.sections}
    ids = digest_rows
    assert placed == {"emerging": [ids["emerging"]], "new": [ids["new"]], "growing": [ids["growing"]],
                      "active": [ids["last_week"], ids["steady"]], "fading": [ids["fading"]]}
    active = next(section for section in digest.sections if section.kind == "active")
    assert active.title == "Nog actief" and "zonder sterke groei of daling" in active.intro
    emerging = digest.sections[0].categories[0]
    assert emerging.title == "Gelblasters en nepwapens" and emerging.severity == "high"
    item = emerging.items[0]
    assert (item.volume, item.previous_volume, item.change_percent) == (53, 7, 657)
    assert len(item.daily) == 28 and item.daily[-7:] == [2, 3, 8, 12, 15, 9, 4]
    assert digest.title == "Weekoverzicht 2026-W47" and "16 november 2026" in digest.period
    assert digest.totals.endswith("Trends zonder risicocategorie die deze week bewogen: 1 (zie het trendoverzicht).")


def test_a_split_is_said_on_both_trends_and_a_trend_awaiting_review_is_not_named(
        engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        summaries = {lang: {item.label: item.summary for section in build_digest(
            session, week=WEEK, config=small_config, lang=lang, now=NOW).sections
            for category in section.categories for item in category.items} for lang in ("nl", "en")}
    assert summaries["nl"]["Zelfde als altijd"].endswith(
        " Op 17 november 2026 als nieuwe trend afgesplitst van “Vorige week nieuw”.")
    assert summaries["nl"]["Vorige week nieuw"].endswith(
        " Op 17 november 2026 splitste “Zelfde als altijd” zich hiervan af als nieuwe trend.")
    assert summaries["en"]["Zelfde als altijd"].endswith(
        " Split off from “Vorige week nieuw” as a new trend on 17 November 2026.")
    assert "afgesplitst" not in summaries["nl"]["Orbeez in de klas"]  # its parent waits for a reviewer


def test_examples_are_posts_of_the_week_shown_and_only_those(engine: Engine, digest_rows: dict[str, int],
                                                           small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        digest = build_digest(session, week=WEEK, config=small_config, now=NOW)
    examples = {item.label: [post.text for post in item.examples]
                for section in digest.sections for category in section.categories for item in category.items}
    assert examples["Orbeez in de klas"] == ["nieuw bericht deze week"]
    assert examples["Gelblaster bij de metro"] == ["bel me op [telefoonnummer] voor de gelblaster"]
    assert "gelblaster gezien bij de metro" not in str(examples)  # written in W45: a digest shows its own week
    assert "drill beef" not in str(examples)  # a member of the gelblaster trend, but about another risk


def test_an_example_names_its_platform_and_day_as_the_reader_writes_them(
        engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        digest = build_digest(session, week=WEEK, config=small_config, now=NOW)
        english = build_digest(session, week=WEEK, config=small_config, lang="en", now=NOW)
    message = render_digest_email(digest, base_url="https://monitor.example")
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    mail_html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for rendering in (render_digest_html(digest), render_digest_markdown(digest), mail_html, plain):
        assert "(TikTok, 18 november 2026)" in rendering or "TikTok, 18 november 2026</small>" in rendering
        assert "(tiktok" not in rendering and "tiktok, 2026" not in rendering.lower()
    assert "(TikTok, 18 November 2026)" in render_digest_markdown(english)


def test_renderings_escape_post_text_and_never_show_phone_numbers(engine: Engine, digest_rows: dict[str, int],
                                                                  small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        digest = build_digest(session, week=WEEK, config=small_config, now=NOW)
    html = render_digest_html(digest)
    markdown = render_digest_markdown(digest, base_url="https://monitor.example")
    message = render_digest_email(digest, base_url="https://monitor.example")
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    mail_html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for rendering in (html, markdown, mail_html, plain, render_digest_json(digest)):
        assert "12345678" not in rendering and "[telefoonnummer" in rendering
    for rendering in (html, markdown, mail_html):
        assert "<script>" not in rendering
    assert "&lt;script&gt;" in html and "&lt;script&gt;" in mail_html and "&lt;script&gt;" in markdown
    assert "<script>alert" in plain  # text/plain is never interpreted
    assert f"[Gelblaster bij de metro](https://monitor.example/trends/{digest_rows['emerging']})" in markdown
    assert "## Opkomend" in markdown and "### Gelblasters en nepwapens" in markdown
    for rendering in (html, markdown, mail_html, plain):  # a trend with one author this week says so in the singular
        assert "1 auteur deze week" in rendering and "1 auteurs" not in rendering


def test_email_is_multipart_alternative_with_table_layout_and_no_external_assets(
        engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        digest = build_digest(session, week=WEEK, config=small_config, lang="en", now=NOW)
    message = render_digest_email(digest, base_url="https://monitor.example/")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Online world weekly digest 2026-W47"
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert '<table role="presentation"' in html and 'style="' in html
    assert "<link" not in html and "<img" not in html and "<script" not in html and "<svg" not in html
    assert f'href="https://monitor.example/trends/{digest_rows["new"]}"' in html
    assert "Emerging" in html and "Opkomend" not in html


def test_the_outbox_renderer_takes_a_session_a_week_and_a_language(
        engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    render = make_digest_email_renderer(small_config, base_url="https://monitor.example", clock=lambda: NOW)
    with Session(engine) as session:
        message = render(session, "2026-W47", "nl")
    assert message["Subject"] == "Weekoverzicht online leefwereld 2026-W47"
    assert "https://monitor.example/trends/" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_json_carries_the_sections_and_the_week_boundaries_in_amsterdam_time(
        engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        data = json.loads(render_digest_json(build_digest(session, week=WEEK, config=small_config, now=NOW)))
    assert data["week"] == "2026-W47" and data["start"].startswith("2026-11-15T23:00:00")
    assert [s["kind"] for s in data["sections"]] == ["emerging", "new", "growing", "active", "fading"]


def test_an_empty_week_says_so(engine: Engine, digest_rows: dict[str, int], small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        digest = build_digest(session, week=parse_week("2026-W30"), config=small_config, now=NOW)
    markdown = render_digest_markdown(digest)  # July: before any data
    assert digest.sections == [] and "Geen gegevens" in markdown and "geen nieuwe" not in markdown


@pytest.mark.parametrize("value", ["2026-W99", "2026-W00", "2025-W53", "week 47", ""])
def test_bad_weeks_name_the_fix(value: str) -> None:
    with pytest.raises(InvalidWeekError, match="for example 2026-W47"):
        parse_week(value)


def test_week_boundaries_follow_amsterdam_summer_and_winter_time() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert parse_week("2026-W27").start(amsterdam) == datetime(2026, 6, 28, 22, 0, tzinfo=UTC)
    assert parse_week("2026w47").end(amsterdam) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert str(last_complete_week(datetime(2026, 11, 23, 7, 0, tzinfo=UTC), amsterdam)) == "2026-W47"
    assert parse_week("2026-W27").start(ZoneInfo("UTC")) == datetime(2026, 6, 29, 0, 0, tzinfo=UTC)
    assert str(parse_week("2026-W53")) == "2026-W53"
