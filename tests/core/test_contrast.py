"""Colours of the stylesheets that once failed WCAG AA contrast, computed from the CSS itself: status pills,
the kicker above a forum's title, and the focus ring where it sits on the dark-green header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css"


def _variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", (CSS / "app.css").read_text(), re.S).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def _rule(sheet: str, selector: str) -> dict[str, str]:
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", (CSS / sheet).read_text()):
        if selector in [part.strip() for part in selectors.split(",")]:
            return dict((key.strip(), value.strip()) for key, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))
    raise AssertionError(f"{selector} not in {sheet}")


def _colour(value: str) -> str:
    value = value.split()[-1] if value.startswith("3px") else value
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return _variables()[match.group(1)] if match else value


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("sheet", "selector"),
    [
        ("registration.css", ".status-pill-pending"),
        ("registration.css", ".pill-warn"),
        ("recommendations.css", ".rec-follow-in_progress"),
    ],
)
def test_status_pills_reach_4_5_to_1(sheet, selector):
    rule = _rule(sheet, selector)
    assert contrast(_colour(rule["color"]), _colour(rule["background"])) >= 4.5


def test_the_kicker_reaches_4_5_to_1_on_the_page_and_on_cards():
    colour = _colour(_rule("app.css", ".kicker")["color"])
    for background in (_variables()["--paper"], _variables()["--card"]):
        assert contrast(colour, background) >= 4.5


def test_the_focus_ring_reaches_3_to_1_on_the_header_and_on_the_page():
    variables = _variables()
    ring = _colour(_rule("app.css", ":focus-visible")["outline"])
    assert contrast(ring, variables["--paper"]) >= 3
    on_header = _colour(_rule("app.css", ".site-header :focus-visible")["outline-color"])
    assert contrast(on_header, variables["--brand"]) >= 3
    assert _rule("app.css", ".skip-link:focus-visible")["outline-color"] == "var(--focus-on-brand)"
