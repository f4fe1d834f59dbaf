"""Known identities planted in every way a post comes in: the replayed source responses, each import format and a
Zeeschuimer capture. Every planted value is invented; NEEDLES are what must be found nowhere afterwards."""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

AUTHOR = "zzauthorplant"  # the account that wrote a post
PLANT_TEXT = ("wie kent Sanne Plantinga? @zzmentionplant weet het, snap: zzsnapplant, mail zzmailplant [at] gmail "
              "[dot] com of bel 06-13572468, kijk https://www.tiktok.com/@zzurlplant")
NEEDLES = ("zzauthorplant", "zzmentionplant", "zzsnapplant", "zzmailplant", "zzurlplant", "Plantinga", "13572468")
WHEN = "2026-11-20T15:30:00Z"
# Post links of every platform that name the account; each must be stored without it (or not at all).
ACCOUNT_URLS = {
    "tiktok": "https://www.tiktok.com/@zzurlplant/video/7500000000000000901",
    "instagram": "https://www.instagram.com/zzurlplant/p/Cplant901/?igsh=zzurlplant",
    "x": "https://x.com/zzurlplant/status/1900000000000000901",
    "youtube": "https://www.youtube.com/watch?v=plant901&ab_channel=zzurlplant",
    "mastodon": "https://mastodon.nl/@zzurlplant/113000000000000901",
    "bluesky": "https://bsky.app/profile/zzurlplant.bsky.social/post/3kplant901",
    "telegram": "https://t.me/zzurlplant/901",
    "reddit": "https://www.reddit.com/user/zzurlplant/comments/plant901/titel/",
    "web": "https://forum.example.nl/members/zzurlplant.901/",
}


def plant_sources(original: Path, target: Path) -> None:
    """A copy of the replayed responses with the author, the text and the links of every post planted."""
    shutil.copytree(original, target)
    for page in sorted((target / "mastodon").glob("*.json")):
        statuses = json.loads(page.read_text())
        for status in statuses:
            for item in (status, status.get("reblog") or {}):
                if item.get("account"):
                    item["account"].update(acct=AUTHOR, username=AUTHOR, display_name=AUTHOR,
                                           url=f"https://rivier.example.social/@{AUTHOR}")
                    item["url"] = item["uri"] = f"https://rivier.example.social/@{AUTHOR}/{item['id']}"
                    item["content"] = f"{item.get('content') or ''}<p>{PLANT_TEXT}</p>"
        page.write_text(json.dumps(statuses))
    for page in sorted((target / "bluesky").glob("*.json")):
        data = json.loads(page.read_text())
        for post in data["posts"]:
            post["author"].update(handle=f"{AUTHOR}.bsky.social", displayName=AUTHOR)
            post["record"]["text"] = f"{post['record'].get('text', '')} {PLANT_TEXT}"
        page.write_text(json.dumps(data))
    for page in sorted((target / "reddit").glob("*.json")):
        data = json.loads(page.read_text())
        for child in data["data"]["children"]:
            post = child["data"]
            post.update(author=AUTHOR, selftext=f"{post.get('selftext') or ''} {PLANT_TEXT}",
                        permalink=f"/r/u_{AUTHOR}/comments/{post['id']}/titel/")
        page.write_text(json.dumps(data))
    _edit(target / "rss" / "guardian.rss", [
        (r"<dc:creator>[^<]*</dc:creator>", f"<dc:creator>{AUTHOR}</dc:creator>"),
        (r"</description>", f" {PLANT_TEXT}</description>"),
        (r"<link>https://www\.theguardian\.com/", "<link>https://www.theguardian.com/profile/zzurlplant/"),
        (r"(<guid[^>]*>)https://www\.theguardian\.com/", r"\1https://www.theguardian.com/profile/zzurlplant/"),
    ])
    _edit(target / "youtube" / "videos-xml-channel.xml", [
        (r"<name>[^<]*</name>", f"<name>{AUTHOR}</name>"),
        (r"</media:description>", f"\n{PLANT_TEXT}</media:description>"),
        (r'href="https://www\.youtube\.com/shorts/', 'href="https://www.youtube.com/@zzurlplant/shorts/'),
    ])
    for page in sorted((target / "telegram").glob("*.html")):
        _edit(page, [(r'(class="tgme_widget_message_text js-message_text" dir="auto">)', rf"\1{PLANT_TEXT} "),
                     (r'(class="tgme_widget_message_from_author"[^>]*>)[^<]*', rf"\1{AUTHOR}")])


def _edit(path: Path, replacements: list[tuple[str, str]]) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in replacements:
        text = re.sub(pattern, replacement, text)
    path.write_text(text, encoding="utf-8")


def plain_rows() -> list[dict[str, Any]]:
    """The product's own post shape, one row per platform, each with a planted author, text and link."""
    return [{"id": f"plant-{platform}", "text": f"gelblaster {PLANT_TEXT}", "created_at": WHEN,
             "platform": platform, "author": f"@{AUTHOR}", "url": url}
            for platform, url in ACCOUNT_URLS.items()]


def write_imports(folder: Path) -> dict[str, tuple[Path, str]]:
    """One file per import format: JSON Lines, CSV, 4CAT NDJSON (Zeeschuimer items and mapped rows), 4CAT CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = plain_rows()
    jsonl = folder / "posts.jsonl"
    jsonl.write_text("".join(json.dumps(row) + "\n" for row in rows))
    plain_csv = folder / "posts.csv"
    _write_csv(plain_csv, [{**row, "id": f"{row['id']}-csv"} for row in rows])
    ndjson = folder / "capture.ndjson"
    mapped = [{"id": f"4cat-{n}", "body": f"gelblaster {PLANT_TEXT}", "author": AUTHOR, "timestamp": WHEN,
               "platform": platform, "url": url} for n, (platform, url) in enumerate(ACCOUNT_URLS.items())]
    ndjson.write_text("".join(json.dumps(line) + "\n" for line in [
        tiktok_item("7500000000000000911"), instagram_item("3500000000000000912"), *mapped]))
    fourcat_csv = folder / "export.csv"
    _write_csv(fourcat_csv, [{**row, "id": f"{row['id']}-csv"} for row in mapped])
    return {"jsonl": (jsonl, "jsonl"), "csv": (plain_csv, "csv"), "4cat": (ndjson, "4cat"),
            "4cat-csv": (fourcat_csv, "4cat")}


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def tiktok_item(video_id: str) -> dict[str, Any]:
    """A Zeeschuimer TikTok envelope (the structure of a real capture, with planted values)."""
    return {"source_platform": "tiktok.com", "source_url": f"https://www.tiktok.com/@{AUTHOR}",
            "data": {"id": video_id, "desc": f"gelblaster challenge {PLANT_TEXT}", "createTime": 1763896400,
                     "author": {"id": "6800000000000000911", "uniqueId": AUTHOR, "nickname": AUTHOR},
                     "stats": {"diggCount": 3, "shareCount": 1, "commentCount": 2, "playCount": 40},
                     "textExtra": [{"hashtagName": "gelblaster"}]}}


def instagram_item(media_id: str) -> dict[str, Any]:
    return {"source_platform": "instagram.com", "source_url": f"https://www.instagram.com/{AUTHOR}/",
            "data": {"id": media_id, "code": "Cplant912", "taken_at": 1763896400, "like_count": 5,
                     "caption": {"text": f"gelblaster {PLANT_TEXT}"},
                     "user": {"username": AUTHOR, "full_name": "Sanne Plantinga", "pk": "912"}}}


def find_needles(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle.casefold() in text.casefold()]
