"""Pages of the series, one file per audience: the dashboard (admins and analysts), the organisations
and people across forums (admins, and each participant's own history), the open data (anyone)."""

from forum.series.views import dashboard, edition, opendata, organisations  # noqa: F401
