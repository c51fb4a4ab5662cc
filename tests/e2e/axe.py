"""axe-core in the browser journeys: every page a journey opens is checked once it has loaded, and the browser
does not leave it (link, form, redirect) before the check is done; a serious or critical violation fails
the test.

axe skips most joined Arabic text when it checks contrast (it takes it for an icon font), so the contrast
rule only proves something on the French and English renderings: the journeys visit both languages.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Error, Page, Route

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
FAILING = ("serious", "critical")
#: Runs in every document after axe itself: check the page once it has loaded, report through a binding.
RUNNER = """
(() => {
  const failing = __FAILING__;
  const summary = (node) => `${node.target.join(" ")} :: ${(node.failureSummary || "").replace(/\\s+/g, " ")}`;
  window.addEventListener("load", () => {
    if (window !== window.top || typeof window.axe === "undefined" || document.contentType !== "text/html") return;
    window.__axeStarted();
    const lang = document.documentElement.lang;
    window.axe.run(document, { resultTypes: ["violations"] }).then((result) => window.__axeReport({
      lang,
      violations: result.violations.filter((v) => failing.includes(v.impact)).map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(summary),
      })),
    }), (error) => window.__axeReport({ lang, error: String(error), violations: [] }));
  });
})();
""".replace("__FAILING__", json.dumps(list(FAILING)))
#: The longest a check may hold the browser on a page: well within the journeys' 10 s for an action, so a
#: slow check on a loaded machine leaves that page unchecked rather than failing the journey's navigation.
PATIENCE = 5.0


@dataclass
class Audit:
    """What axe found on the pages of one test: (url, lang) of each page checked, and the violations."""

    checked: list[tuple[str, str]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    _running: dict[Any, bool] = field(default_factory=dict)

    def watch(self, context: BrowserContext) -> None:
        """Check every page of the context once it has loaded."""
        context.expose_binding("__axeStarted", self._started)
        context.expose_binding("__axeReport", self._report)
        context.add_init_script(script=AXE + RUNNER)

    def hold(self, page: Page) -> None:
        """Hold each navigation of the page until the page it leaves is checked (tabs the page opens are
        checked too, but not held: the browser gives their first request no page yet)."""
        page.route("**/*", self._before_request)

    def _started(self, source: dict) -> None:
        self._running[source["page"]] = True

    def _report(self, source: dict, outcome: dict) -> None:
        page = source["page"]
        self._running[page] = False
        url, lang = page.url, outcome["lang"]
        self.checked.append((url, lang))
        if outcome.get("error"):
            self.violations.append(f"{url} [{lang}] axe could not run: {outcome['error']}")
        for violation in outcome["violations"]:
            nodes = "\n      ".join(violation["nodes"])
            self.violations.append(
                f"{url} [{lang}] {violation['impact']} {violation['id']}: {violation['help']}\n      {nodes}"
            )

    def _before_request(self, route: Route) -> None:
        request = route.request
        try:
            frame = request.frame if request.is_navigation_request() else None
        except Error:
            frame = None  # a new tab's first request, or a service worker's: no page to hold
        if frame is not None and frame.parent_frame is None:
            self.finish(frame.page)
        route.fallback()

    def finish(self, page: Page) -> None:
        """Wait for the check of the page's current document, if one is running."""
        deadline = time.monotonic() + PATIENCE
        while self._running.get(page) and not page.is_closed() and time.monotonic() < deadline:
            page.wait_for_timeout(20)
