"""Extension points that let modules add to shared pages and commands without editing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hook:
    """An ordered list of receivers connected by modules (dashboard panels, seed steps, ...).

    Modules connect their receivers from their own `hooks.py`, which `create_app` imports; a receiver
    is connected once however often that happens.
    """

    name: str
    _receivers: list[tuple[int, str, Callable[..., Any]]] = field(default_factory=list)

    def connect(self, fn: Callable[..., Any], *, order: int = 100) -> Callable[..., Any]:
        """Add a receiver; receivers are called by `order`, then by name."""
        key = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing is not fn and name != key for _, name, existing in self._receivers):
            self._receivers.append((order, key, fn))
            self._receivers.sort(key=lambda item: (item[0], item[1]))
        return fn

    def disconnect(self, fn: Callable[..., Any]) -> None:
        """Remove a receiver (tests that connect their own receivers use this to clean up)."""
        self._receivers[:] = [item for item in self._receivers if item[2] is not fn]

    def register(self, order: int = 100) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator form of `connect`."""
        return lambda fn: self.connect(fn, order=order)

    def __iter__(self):
        return iter(fn for _, _, fn in list(self._receivers))

    def collect(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every function; keep the answers that are not None."""
        return [result for fn in self if (result := fn(*args, **kwargs)) is not None]


#: fn(forum, user) -> DashboardPanel | None : cards on the organiser dashboard of a forum.
dashboard_panels = Hook("dashboard_panels")
#: fn(forum) -> ForumLink | None : what is open on the public forum page (register, programme, ...).
forum_links = Hook("forum_links")
#: fn(registration) -> ForumLink | None : links on a participant's self-service page (badge, calendar).
registration_links = Hook("registration_links")
#: fn(forum, user) -> ForumLink | None : entries of the forum's management menu.
manage_links = Hook("manage_links")
#: fn(forums: dict[str, Forum], echo) -> None : demo data steps of `flask seed-demo`, in order.
seed_steps = Hook("seed_steps")
#: fn(registration) -> None : called by registration services when a registration becomes confirmed
#: (after flush, before commit); e.g. badges queue the badge e-mail.
registration_confirmed = Hook("registration_confirmed")
#: fn(forum) -> ReportSection | None : sections of the forum's outcomes report (HTML and PDF), in the order
#: of recommendations/report.py SECTION_ORDER, by key.
report_sections = Hook("report_sections")
#: fn(forums: list[Forum]) -> ReportSection | None : sections of the national compilation across the
#: series' public forums (aggregated figures only), after its table of forums.
national_sections = Hook("national_sections")
#: fn(registration) -> list[PersonalEvent] | None : a person's own appointments beyond the programme's
#: sessions (one-to-one meetings, ...), for their agenda page, their calendar feed and their reminders.
personal_events = Hook("personal_events")
#: fn(session, compact: bool) -> SessionPart | None : what modules show under a published session, on its
#: page and (compact=True, the same for every visitor: it is cached) in the public programme's list.
session_parts = Hook("session_parts")


@dataclass
class ForumLink:
    label: Any
    url: str
    description: Any = None
    icon: str = ""


@dataclass
class DashboardPanel:
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    url: str | None = None


@dataclass
class ReportSection:
    """A part of the outcomes report: a template rendered with its context, in HTML and in the PDF."""

    key: str
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class PersonalEvent:
    """One appointment of a person's own agenda that the programme does not hold (a meeting, ...)."""

    uid: str  #: stable across feeds, so a calendar updates the event instead of adding a copy
    title: Any
    start_at: Any  #: aware UTC datetime
    end_at: Any  #: aware UTC datetime
    location: Any = ""
    description: Any = ""
    url: str | None = None


#: fn(registration) -> PersonalDataSection | None : what a module holds about a person, for the export of
#: everything Multaqa holds about them (JSON and PDF, from their self-service link). See privacy/.
personal_data = Hook("personal_data")
#: fn(registration, now) -> None : a module removes or anonymises what it holds about a person (erasure at
#: their request, or at the end of the forum's retention period), before the registration is anonymised.
#: Counts must stay right: keep rows that are counted, drop what names or reaches the person.
erase_personal_data = Hook("erase_personal_data")


@dataclass
class PersonalDataSection:
    """One part of a person's data export: a titled list of records (JSON-ready: texts, numbers, ISO times)."""

    key: str
    title: Any
    records: list[dict[str, Any]] = field(default_factory=list)
    #: the readable name of each record's keys (lazy texts), for the PDF in the person's language
    labels: dict[str, Any] = field(default_factory=dict)


@dataclass
class SessionPart:
    """A block under a session (its materials, ...): a template rendered with its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
