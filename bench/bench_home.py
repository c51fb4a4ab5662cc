"""Benchmark of the foundation: the public home and forum pages under gunicorn on PostgreSQL."""

from __future__ import annotations

import sys

from harness import Deployment, open_loop, report

from forum.seed import seed


def main() -> int:
    with Deployment(workers=4) as dep:
        with dep.app.app_context():
            seed(lambda line: None)

        def home(client, i):
            response = client.get("/", headers={"Accept-Language": ("ar", "fr", "en")[i % 3]})
            response.raise_for_status()

        def forum_page(client, i):
            response = client.get("/f/draa-tafilalet-2026/")
            response.raise_for_status()

        ok = True
        for figure, request in (("home", home), ("forum_page", forum_page)):
            result = open_loop(dep.url, rate=50, duration=20, request=request)
            ok &= report(
                "home",
                f"{figure}_p95",
                result.percentile(95),
                "ms",
                budget=50,
                ok=result.percentile(95) <= 50 and result.errors == 0,
            )
            ok &= report("home", f"{figure}_errors", result.errors, "errors", budget=0, ok=result.errors == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
