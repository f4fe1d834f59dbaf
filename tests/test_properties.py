"""Property-based tests (Hypothesis) for every parser and importer and the configuration loader: whatever a file,
an upload, a source or a configuration holds, the product never crashes; a bad row is refused with a message
naming its field, a good row is kept, and a run always finishes with counts that add up."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from crawlers.importers import from_4cat_row, from_plain_row, import_file, read_posts
from crawlers.normalise import InvalidPost, RawPost, normalise
from crawlers.spiders.bluesky import map_post
from crawlers.spiders.mastodon import map_status
from crawlers.spiders.reddit import map_link
from crawlers.uploads import store_upload
from crawlers.zeeschuimer import map_item
from models.content import CrawlRun, Post
from monitor_config import ConfigError
from monitor_config.loader import DEFAULT_CONFIG, parse_config

KEY = b"property-key-0123456789abcdef0123456789"
FIELDS = ["id", "text", "created_at", "platform", "author", "url", "language", "likes", "shares", "replies", "views"]
PLAIN = settings(max_examples=60, deadline=None, database=None)
STORED = settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
good_rows = st.fixed_dictionaries({
    "id": st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=20),
    "text": st.text(min_size=1, max_size=200).filter(lambda t: any(c.isalnum() for c in t)),
    "created_at": st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1),
                               timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    "platform": st.sampled_from(["tiktok", "instagram", "forum", "Mastodon"]),
}, optional={
    "url": st.just("https://example.org/p/1"), "language": st.sampled_from(["nl", "en", "NL"]),
    "likes": st.integers(min_value=0, max_value=2**31 - 1), "views": st.integers(min_value=0, max_value=10**6),
})
# A row with any of our fields holding anything at all.
any_rows = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=len(FIELDS))
mixed_rows = st.one_of(good_rows, st.builds(lambda good, bad: {**good, **bad}, good_rows, any_rows))


def stays_in_columns(raw: RawPost) -> None:
    """A raw post either normalises to something every database column takes, or is refused with a reason."""
    try:
        post = normalise(raw, key=KEY)
    except InvalidPost as exc:
        assert str(exc)
        return
    assert 0 < len(post.platform) <= 32 and 0 < len(post.external_id) <= 200
    assert post.url is None or len(post.url) <= 1000
    assert post.language is None or len(post.language) <= 8
    assert post.text and "\x00" not in post.text and "\x00" not in post.external_id
    post.text.encode("utf-8")  # no lone surrogates
    assert datetime(1900, 1, 1, tzinfo=UTC) <= post.created_at <= datetime(9000, 1, 1, tzinfo=UTC)
    for count in (post.likes, post.shares, post.replies, post.views):
        assert count is None or 0 <= count <= 2**31 - 1


def refused_naming_a_field(exc: InvalidPost, row: dict[str, Any], extra: tuple[str, ...] = ()) -> None:
    named = str(exc).split(" ")[0].split(".")[0]
    assert named in (*row, *FIELDS, *extra), str(exc)
    assert "fix:" in str(exc) or "missing" in str(exc) or "must" in str(exc)


@PLAIN
@given(row=mixed_rows)
def test_a_plain_row_is_a_post_or_a_reason_naming_its_field(row: dict[str, Any]) -> None:
    try:
        raw = from_plain_row(row)
    except InvalidPost as exc:
        refused_naming_a_field(exc, row)
        return
    stays_in_columns(raw)


@PLAIN
@given(row=st.dictionaries(st.sampled_from(["id", "body", "text", "timestamp", "unix_timestamp", "platform",
                                            "author", "url", "link", "likes"]), json_values))
def test_a_4cat_row_is_a_post_or_a_reason(row: dict[str, Any]) -> None:
    try:
        raw = from_4cat_row(row, "4cat")
    except InvalidPost as exc:
        refused_naming_a_field(exc, row, ("body", "timestamp"))
        return
    stays_in_columns(raw)


tiktok_items = st.fixed_dictionaries({}, optional={
    "id": json_values, "desc": json_values, "createTime": json_values, "author": json_values,
    "stats": st.one_of(json_values, st.dictionaries(st.sampled_from(["diggCount", "playCount"]), json_values)),
    "textExtra": st.one_of(json_values, st.lists(st.dictionaries(st.just("hashtagName"), json_values))),
    "challenges": json_values})
instagram_items = st.fixed_dictionaries({}, optional={
    "id": json_values, "pk": json_values, "code": json_values, "taken_at": json_values, "caption": json_values,
    "user": json_values, "like_count": json_values, "comment_count": json_values})


@PLAIN
@given(platform=st.sampled_from(["tiktok.com", "instagram.com"]), item=st.one_of(tiktok_items, instagram_items),
       envelope=st.booleans())
def test_a_zeeschuimer_item_is_a_post_or_a_reason(platform: str, item: dict[str, Any], envelope: bool) -> None:
    try:
        raw = map_item(platform, {"data": item} if envelope else item)
    except InvalidPost as exc:
        assert str(exc)
        return
    stays_in_columns(raw)


@PLAIN
@given(item=st.dictionaries(st.sampled_from(["uri", "record", "indexedAt", "author", "likeCount", "repostCount",
                                             "id", "account", "content", "created_at", "tags", "reblog",
                                             "spoiler_text", "favourites_count", "name", "title", "selftext",
                                             "created_utc", "permalink", "score", "num_comments"]), json_values),
       mapper=st.sampled_from(["bluesky", "mastodon", "reddit"]))
def test_a_source_item_is_a_post_or_a_reason(item: dict[str, Any], mapper: str) -> None:
    try:
        raw = {"bluesky": map_post, "mastodon": lambda i: map_status(i, "social.example"),
               "reddit": map_link}[mapper](item)
    except InvalidPost as exc:
        assert str(exc)
        return
    stays_in_columns(raw)


@PLAIN
@given(lines=st.lists(st.one_of(st.text(max_size=80), json_values.map(json.dumps), good_rows.map(json.dumps)),
                      max_size=8),
       fmt=st.sampled_from(["jsonl", "csv", "4cat"]))
def test_reading_any_file_yields_one_answer_per_line(tmp_path_factory: pytest.TempPathFactory, lines: list[str],
                                                     fmt: str) -> None:
    path = tmp_path_factory.mktemp("read") / ("in.csv" if fmt == "csv" else "in.jsonl")
    path.write_text("\n".join(line.replace("\r", " ").replace("\n", " ") for line in lines), encoding="utf-8",
                    errors="surrogatepass")
    seen = []
    for number, item in read_posts(path, fmt, "4cat"):  # type: ignore[arg-type]
        assert isinstance(item, (RawPost, InvalidPost))
        seen.append(number)
    assert seen == sorted(seen)


@STORED
@given(rows=st.lists(mixed_rows, min_size=1, max_size=12))
def test_an_import_keeps_every_good_row_and_names_every_bad_one(engine: Engine, tmp_path_factory:
                                                                pytest.TempPathFactory, rows: list[dict[str, Any]]
                                                                ) -> None:
    marker = uuid.uuid4().hex[:8]  # the database lives across examples: this example's rows are its own
    rows = [{**row, "id": f"{marker}-{row['id']}"} if isinstance(row.get("id"), str) else row for row in rows]
    path = tmp_path_factory.mktemp("import") / "rows.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8", errors="surrogatepass")
    expected: dict[tuple[str, str], int] = {}
    bad = set()
    for number, row in enumerate(rows, start=1):
        try:
            post = normalise(from_plain_row(json.loads(json.dumps(row))), key=KEY)
        except InvalidPost:
            bad.add(number)
            continue
        expected.setdefault((post.platform, post.external_id), number)
    report = import_file(path, engine=engine, key=KEY)
    assert report.rows == len(rows) and {e.line for e in report.errors} == bad
    assert report.stored + report.duplicates + report.error_count == len(rows)
    with Session(engine) as session:
        kept = set(session.execute(select(col(Post.platform), col(Post.external_id))
                                   .where(col(Post.external_id).startswith(marker))).all())
    assert kept == set(expected)


@STORED
@given(lines=st.lists(st.one_of(tiktok_items.map(lambda i: {"data": i}), json_values, st.text(max_size=30))
                      .map(lambda v: v if isinstance(v, str) else json.dumps(v)), max_size=10),
       platform=st.sampled_from(["tiktok.com", "instagram.com"]))
def test_an_upload_run_always_finishes_with_counts_that_add_up(engine: Engine, lines: list[str],
                                                                platform: str) -> None:
    from crawlers.matching import WatchlistMatcher

    body = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    result = store_upload(body.encode("utf-8", "surrogatepass"), platform=platform, engine=engine, key=KEY,
                          matcher=WatchlistMatcher([]))
    with Session(engine) as session:
        run = session.get(CrawlRun, result.run_id)
        assert run is not None and run.finished_at is not None and run.status in ("ok", "partial", "failed")
        assert run.items_stored + run.items_duplicate + run.items_dropped == run.items_seen == result.rows
        assert all(error.startswith("line ") for error in run.errors)


DEFAULT = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [path, *(p for k, v in value.items() for p in _paths(v, (*path, k)))]
    if isinstance(value, list):
        return [path, *(p for i, v in enumerate(value) for p in _paths(v, (*path, i)))]
    return [path]


PATHS = [p for p in _paths(DEFAULT) if p]


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@pytest.mark.slow
@settings(max_examples=40, deadline=None, database=None)
@given(path=st.sampled_from(PATHS), new=json_values)
def test_a_changed_setting_is_valid_or_a_problem_with_line_and_field(path: tuple[Any, ...], new: Any) -> None:
    text = yaml.safe_dump(_replaced(DEFAULT, path, new), allow_unicode=True, sort_keys=False)
    try:
        parse_config(text, "watch.yaml")
    except ConfigError as exc:
        assert exc.problems and all(p.field and p.message and p.fix for p in exc.problems)
        assert all(p.line is None or 1 <= p.line <= text.count("\n") + 1 for p in exc.problems)


@PLAIN
@given(text=st.one_of(st.text(max_size=300), st.text(alphabet="[]{}&*:- ,!\n'\"#%|>ab1", max_size=300)))
def test_any_text_is_a_configuration_or_a_config_error(text: str) -> None:
    try:
        parse_config(text, "watch.yaml")
    except ConfigError as exc:
        assert exc.problems and all(p.message for p in exc.problems)

