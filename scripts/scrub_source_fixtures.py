"""Make tests/fixtures/sources/ from the recorded responses in ../shared/fixtures/sources/ (run once, by hand).

Keeps each response's structure and post texts; replaces account names, handles, display names and DIDs by
invented ones, trims long listings and splits them into pages so paging can be replayed. What was changed is
listed per file in tests/fixtures/sources/PROVENANCE.md.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures/sources")
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sources"
NAMES = ["rivierkind", "grachtvos", "pleinmeeuw", "dijkspreeuw", "molenmus", "kadekat", "brugreiger",
         "sluisuil", "polderhaas", "duinvink", "heidewolf", "veenmol"]


def invented(value: str, mapping: dict[str, str]) -> str:
    if value not in mapping:
        round_ = len(mapping) // len(NAMES)
        mapping[value] = NAMES[len(mapping) % len(NAMES)] + (str(round_) if round_ else "")
    return mapping[value]


def replace_all(text: str, mapping: dict[str, str]) -> str:
    """One pass, longest first, so a replacement is never replaced again."""
    keys = [k for k in sorted(mapping, key=len, reverse=True) if k]
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def write(path: str, text: str) -> None:
    target = OUT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def mastodon() -> None:
    mapping: dict[str, str] = {}
    names: dict[str, str] = {}
    pages = [json.loads((SHARED / f"mastodon/replay/tag-timeline-page-{n}.json").read_text()) for n in (1, 2, 3, 4)]
    for page in pages:
        for status in page:
            account = status["account"]
            name = invented(account["username"], names)
            mapping[account["username"]] = name
            if account["display_name"]:
                mapping[account["display_name"]] = name.capitalize()
            account["note"] = ""
    pages[0][1]["account"]["noindex"] = True  # one opted-out account, to test that its post is skipped
    for number, page in enumerate(pages, start=1):
        write(f"mastodon/tag-timeline-page-{number}.json", replace_all(json.dumps(page, ensure_ascii=False), mapping))


def bluesky() -> None:
    data = json.loads((SHARED / "bluesky/replay/searchPosts-q-redistricting.json").read_text())
    mapping: dict[str, str] = {}
    names: dict[str, str] = {}
    def authors(node: object) -> list[dict]:
        if isinstance(node, dict):
            found = [node] if "handle" in node and "did" in node else []
            return found + [a for value in node.values() for a in authors(value)]
        return [a for value in node for a in authors(value)] if isinstance(node, list) else []

    for author in authors(data):
        name = invented(author["handle"], names)
        mapping[author["handle"]] = f"{name}.example.social"
        mapping[author["did"]] = "did:plc:" + hashlib.sha256(author["did"].encode()).hexdigest()[:24]
        if author.get("displayName"):
            mapping[author["displayName"]] = name.capitalize()
    text = replace_all(json.dumps(data, ensure_ascii=False), mapping)
    text = re.sub(r"@[\w.-]+\.bsky\.social", "@user.example.social", text)
    posts = json.loads(text)["posts"]
    write("bluesky/searchPosts-page-1.json", json.dumps({"posts": posts[:15], "cursor": "15"}, ensure_ascii=False))
    write("bluesky/searchPosts-page-2.json", json.dumps({"posts": posts[15:]}, ensure_ascii=False))


def reddit() -> None:
    data = json.loads((SHARED / "reddit/replay/r-popular-hot-limit100-2026-04-13.json").read_text())
    children = data["data"]["children"][:20]
    mapping: dict[str, str] = {}
    names: dict[str, str] = {}
    for child in children:
        post = child["data"]
        if post.get("author") and post["author"] != "[deleted]":
            mapping[post["author"]] = invented(post["author"], names)
        if post.get("author_fullname"):
            mapping[post["author_fullname"]] = "t2_" + hashlib.sha256(post["author_fullname"].encode()).hexdigest()[:8]
        post["author_flair_text"] = None
        post["author_flair_richtext"] = []
    for number, part in enumerate((children[:10], children[10:]), start=1):
        page = json.loads(json.dumps(data))
        page["data"]["children"] = part
        page["data"]["dist"] = len(part)
        page["data"]["after"] = part[-1]["data"]["name"] if number == 1 else None
        write(f"reddit/r-popular-new-page-{number}.json", replace_all(json.dumps(page, ensure_ascii=False), mapping))
    write("reddit/429-oauth-with-retry-after.html",
          (SHARED / "reddit/replay/429-oauth-with-retry-after-2021.html").read_text())


def telegram() -> None:
    snippets = {}
    for path in sorted((SHARED / "telegram/tchantest-snippets").glob("parse_*.html")):
        html = path.read_text()
        match = re.search(r'data-post="tchantest/(\d+)"', html)
        if match and html.count("tgme_widget_message_wrap") == 1:
            snippets[int(match.group(1))] = html
    html_by_id = {k: v.replace("tchantest", "buurtkanaal").replace("tchan&#39;s test channel", "Buurtkanaal")
                  for k, v in snippets.items()}
    ids = sorted(html_by_id, reverse=True)
    for number, chunk in enumerate((ids[:8], ids[8:16], ids[16:]), start=1):
        body = "\n".join(html_by_id[i] for i in sorted(chunk))
        write(f"telegram/buurtkanaal-page-{number}.html",
              '<!DOCTYPE html>\n<html><body><main class="tgme_main">\n'
              f'<section class="tgme_channel_history js-message_history">\n{body}\n</section>\n</main></body></html>\n')


def feeds() -> None:
    guardian = (SHARED / "rss/guardian.rss").read_text()
    items = re.findall(r"<item>.*?</item>", guardian, re.S)
    head, tail = guardian.split(items[0], 1)[0], guardian.rsplit(items[-1], 1)[1]
    trimmed = head + "".join(items[:12]) + tail
    trimmed = re.sub(r"<dc:creator>.*?</dc:creator>", "<dc:creator>Redactie</dc:creator>", trimmed)
    write("rss/guardian.rss", trimmed)
    write("rss/heise.atom", re.sub(r"<name>.*?</name>", "<name>Redaktion</name>",
                                   (SHARED / "rss/heise.atom").read_text()))
    youtube = (SHARED / "youtube/replay/videos-xml-user-Kurzgesagt.xml").read_text()
    entries = re.findall(r"<entry>.*?</entry>", youtube, re.S)
    write("youtube/videos-xml-channel.xml",
          youtube.split(entries[0], 1)[0] + "".join(entries[:5]) + youtube.rsplit(entries[-1], 1)[1])
    write("youtube/videos-xml-channel-404.html", (SHARED / "youtube/replay/videos-xml-channel-404.html").read_text())
    write("robots/www.reddit.com.robots.2024-06.txt", (SHARED / "robots/www.reddit.com.robots.2024-06.txt").read_text())


if __name__ == "__main__":
    for step in (mastodon, bluesky, reddit, telegram, feeds):
        step()
