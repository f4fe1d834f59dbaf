"""Driving Debian's Chromium with Playwright: log-in, the page-width check, axe-core and screenshots.

axe-core comes from the npm registry (`make install-test` puts the pinned AXE_VERSION under .venv/axe); it is read
from disk and injected into the page, never loaded from a CDN. The site is served by `tests.live_server.serve`."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
AXE_VERSION = "4.14.1"
AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("LEEFWERELD_SCREENSHOTS", ROOT / "var" / "screenshots"))
BLOCKING = ("serious", "critical")


def need_chromium_and_axe() -> str:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; fix: `apt-get install -y chromium` (make test does this)")
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}; fix: `make install-test`, or `npm install --prefix .venv/axe "
                    f"axe-core@{AXE_VERSION}`")
    package = json.loads((AXE.parent / "package.json").read_text())
    assert package["version"] == AXE_VERSION, f"axe-core {package['version']} installed, {AXE_VERSION} expected"
    return AXE.read_text(encoding="utf-8")


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def overflow(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0 when nothing sticks out)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def serious_violations(page: Any, axe_source: str) -> list[str]:
    """axe-core's serious and critical violations on the page, as 'rule: target' lines."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in result if v.get("impact") in BLOCKING]


def shoot(page: Any, *parts: str) -> Path:
    path = SCREENSHOTS.joinpath(*parts[:-1]) / f"{parts[-1]}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
