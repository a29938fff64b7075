"""Contrast and focus of the portal's palette (WCAG 2.2 AA: 4.5:1 for text, 3:1 for UI)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text()
VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("fg, bg, minimum", [
    ("ink", "paper", 7.0), ("ink", "panel", 7.0), ("ink-muted", "paper", 4.5), ("ink-muted", "panel", 4.5),
    ("primary", "paper", 4.5), ("primary", "panel", 4.5), ("danger", "paper", 4.5), ("ok", "paper", 4.5),
    ("warn", "paper", 4.5), ("line", "paper", 3.0), ("focus", "ink", 3.0),
])
def test_palette_contrast(fg, bg, minimum):
    assert contrast(VARS[fg], VARS[bg]) >= minimum, (fg, bg, round(contrast(VARS[fg], VARS[bg]), 2))


def test_white_on_primary_buttons():
    assert contrast("#ffffff", VARS["primary"]) >= 4.5


def test_focus_is_visible_everywhere():
    rule = re.search(r":focus-visible\s*\{([^}]*)\}", CSS)
    assert rule and "outline: 3px solid" in rule.group(1)
    assert "outline: none" not in CSS and "outline:none" not in CSS
    assert ".skip-link:focus" in CSS
