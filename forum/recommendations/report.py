"""The forum's outcomes report, as an HTML page and as a PDF built in a job.

Modules add sections through `hooks.report_sections` (registered without an order); SECTION_ORDER below
is the one order of the report, by section key.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from flask import current_app, g, render_template
from flask_babel import force_locale
from markupsafe import Markup

from forum import hooks, jobs, storage
from forum.events.models import Forum
from forum.extensions import db

#: the one order of the report's sections, by key (sections with other keys follow, by key)
SECTION_ORDER = ("facts", "attendance", "programme", "recommendations", "exhibitors")

#: the kind of the job that builds the report's PDF
PDF_JOB = "recommendations.report_pdf"


def sections(forum: Forum) -> list[hooks.ReportSection]:
    """Every registered section for the forum, in SECTION_ORDER (missing ones left out)."""
    found = hooks.report_sections.collect(forum)
    rank = {key: n for n, key in enumerate(SECTION_ORDER)}
    return sorted(found, key=lambda section: (rank.get(section.key, len(rank)), section.key))


def render_report(forum: Forum, *, pdf: bool = False) -> str:
    """The report as a full HTML document (pdf=True: the print document with embedded font files).

    Each section's template is rendered with its own context as variables (plus forum, section, pdf).
    """
    rendered = []
    for section in sections(forum):
        html = render_template(section.template, forum=forum, section=section, pdf=pdf, **section.context)
        rendered.append((section, Markup(html)))  # noqa: S704  (an autoescaped template's output)
    if pdf:
        fonts = Path(current_app.static_folder or "static") / "fonts"
        return render_template(
            "recommendations/report/document.html", forum=forum, rendered=rendered, font_dir=fonts.resolve().as_uri()
        )
    return render_template("recommendations/report/page.html", forum=forum, rendered=rendered)


def _static_only_fetcher(static: Path) -> Any:
    """A WeasyPrint fetcher that reads files of the static folder only: never the network, never other files."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    # a page's url_for gives the static build's versioned names: read them from their source in static/
    sources = {versioned: source for source, versioned in current_app.extensions.get("static_manifest", {}).items()}

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
            elif parsed.path.startswith("/static/"):
                name = unquote(parsed.path).removeprefix("/static/")
                path = (static / sources.get(name, name)).resolve()
            else:
                raise ValueError(f"refused to fetch {url!r}")
            if static not in path.parents:
                raise ValueError(f"refused to fetch {url!r}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticOnlyFetcher()


@jobs.task(PDF_JOB)
def build_report_pdf(job: jobs.Job | None, forum_id: int, locale: str) -> dict[str, Any]:
    """Render the report in the given language and store it as a PDF; the result names the file."""
    from weasyprint import HTML  # here, not at the top: importing WeasyPrint takes seconds, only this job pays

    forum = db.session.get(Forum, forum_id)
    if job is not None:
        job.report(1, 10)
    with current_app.test_request_context(f"/f/{forum.slug}/manage/recommendations/report"), force_locale(locale):
        g.forum = forum
        html = render_report(forum, pdf=True)
    if job is not None:
        job.report(3, 10)
    static = Path(current_app.static_folder or "static").resolve()
    fetcher = _static_only_fetcher(static)
    document = HTML(string=html, base_url="http://multaqa.invalid/", url_fetcher=fetcher).render()
    if job is not None:
        job.report(7, 10)  # laid out; writing the file (fonts subset) is the last part
    pdf = document.write_pdf()
    key = storage.save(f"reports/{forum.id}", pdf, ".pdf")
    return {"key": key, "filename": f"{forum.slug}-outcomes-{locale}.pdf", "size": len(pdf)}
