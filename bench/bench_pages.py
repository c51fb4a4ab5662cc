"""Benchmark of page weight for a slow rural connection: bytes Chromium transfers (headers and bodies, as
the network sees them) for the pages people open on a phone, with the static build served by the app.

first visit   the Arabic registration page with an empty cache (page, styles, scripts, fonts);
repeat visit  the same page again in the same browser (the versioned static files come from its cache);
desk          a check-in agent's first load of the desk, its QR decoder included, with an empty cache.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import ROOT, Deployment, report

sys.path.insert(0, str(ROOT / "tests"))
from e2e.conftest import CHROMIUM_FLAGS  # noqa: E402  (the browser set up as the journeys set it up)

BUDGETS = {"first_visit": 150, "repeat_visit": 25, "desk_first_load": 400}  # KB
PASSWORD = secrets.token_urlsafe(16)  # the agent signs in once, through the real page


def build_data(dep: Deployment) -> tuple[str, str, str]:
    """A forum open for registration, a forum running today with a desk and its agent."""
    from forum.auth import services as accounts
    from forum.auth.models import Role
    from forum.checkin import services as checkin
    from forum.events.models import Forum, ForumStatus
    from forum.extensions import db

    with dep.app.app_context():
        today = datetime.now(UTC).date()
        forums = []
        for slug, starts in (("bench-pages", today + timedelta(days=30)), ("bench-desk", today)):
            forum = Forum(
                slug=slug,
                edition=1,
                title={"ar": "المنتدى الجهوي للمجتمع المدني", "fr": "Forum régional", "en": "Regional forum"},
                theme={"ar": "التمويلات البديلة", "fr": "Financements alternatifs", "en": "Alternative financing"},
                region="draa-tafilalet",
                city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
                starts_on=starts,
                ends_on=starts + timedelta(days=1),
                registration_opens_at=datetime.now(UTC) - timedelta(days=1),
                registration_closes_at=datetime.now(UTC) + timedelta(days=20),
                capacity=500,
                status=ForumStatus.open,
            )
            db.session.add(forum)
            forums.append(forum)
        db.session.flush()
        desk, _token = checkin.create_desk(forums[1], "Entrée", actor=None)
        checkin.ensure_lists(forums[1])
        agent = accounts.create_user("agent@bench.ma", "Agent", PASSWORD)
        accounts.appoint(agent, forums[1], Role.checkin_agent, actor=None)
        db.session.commit()
        return f"/f/{forums[0].slug}/register", f"/f/{forums[1].slug}/checkin/desk/{desk.id}", agent.email


class Meter:
    """Bytes a page's network requests transferred (Chrome's encodedDataLength: headers and body)."""

    def __init__(self, page) -> None:
        self.total = 0
        self.urls: list[str] = []
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict) -> None:
        self.total += int(event.get("encodedDataLength", 0))

    def visit(self, page, url: str) -> float:
        """Open the URL, wait until the network is idle; the KB transferred meanwhile."""
        before = self.total
        page.goto(url, wait_until="networkidle")
        return (self.total - before) / 1024


def main() -> int:
    from playwright.sync_api import sync_playwright

    static = Path(tempfile.mkdtemp(prefix="multaqa-static-"))
    os.environ.setdefault("FLASK_APP", "app")
    from forum.assets.build import build

    build(ROOT / "static", static / "build", log=lambda line: None)
    ok = True
    try:
        with Deployment(workers=2, threads=2, env={"STATIC_BUILD_DIR": str(static / "build")}) as dep:
            register, desk, agent = build_data(dep)
            chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
                phone = {"width": 390, "height": 844}
                context = browser.new_context(base_url=dep.url, locale="ar-MA", viewport=phone)
                page = context.new_page()
                meter = Meter(page)
                first = meter.visit(page, register)
                arabic = page.locator("html").get_attribute("lang") == "ar"
                if not arabic or not page.locator("input[name=name_ar]").count():
                    raise RuntimeError("the Arabic registration page did not open")
                repeat = meter.visit(page, register)
                for figure, value in (("first_visit", first), ("repeat_visit", repeat)):
                    ok &= report("pages", figure, value, "KB", budget=BUDGETS[figure], ok=value <= BUDGETS[figure])
                context.close()

                # The agent signs in in one browser; the desk opens in a fresh one (empty cache) with the session.
                login = browser.new_context(base_url=dep.url, locale="fr-FR")
                tab = login.new_page()
                tab.goto("/login")
                tab.fill("input[name=email]", agent)
                tab.fill("input[name=password]", PASSWORD)
                tab.click("form.stack button[type=submit]")
                tab.wait_for_url(re.compile(r".*/my/forums$"))
                state = login.storage_state()
                login.close()
                context = browser.new_context(base_url=dep.url, locale="fr-FR", storage_state=state, viewport=phone)
                page = context.new_page()
                meter = Meter(page)
                weight = meter.visit(page, desk)
                if not page.evaluate("typeof window.jsQR === 'function'"):
                    raise RuntimeError("the desk did not load its QR decoder")
                budget = BUDGETS["desk_first_load"]
                ok &= report("pages", "desk_first_load", weight, "KB", budget=budget, ok=weight <= budget)
                context.close()
                browser.close()
    finally:
        shutil.rmtree(static, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
