"""Chart data: JSON for Chart.js on the pages, and coordinates for the server-side SVG
drawn in the PDF report (WeasyPrint runs no JavaScript)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def breakdown_chart(rows, *, title: str) -> dict:
    return {
        "title": title,
        "labels": [r.label for r in rows],
        "applications": [r.applications for r in rows],
        "adopted": [r.adopted for r in rows],
        "rate": [r.adoption_rate for r in rows],
        "names": {"applications": pgettext("count", "Applications"), "adopted": _("Adoptions"), "rate": _("Adoption rate (%)")},
    }


def event_study_chart(results: dict) -> dict:
    es = results.get("event_study", [])
    return {
        "labels": [str(e["k"]) for e in es],
        "coef": [e["coef"] for e in es],
        "low": [e["ci_low"] for e in es],
        "high": [e["ci_high"] for e in es],
        "names": {"coef": _("Estimate"), "low": _("Lower bound"), "high": _("Upper bound")},
    }


def mapping_chart(results: dict) -> dict:
    mapping = results.get("mapping", {})
    return {
        "before": mapping.get("before", {}), "after": mapping.get("after", {}),
        "names": {"treated": _("Adopted"), "control": _("Comparison group"), "x": _("Equity ratio (%)"), "y": _("Sales growth (% a year)")},
    }


def means_chart(results: dict) -> dict:
    means = results.get("means", [])
    return {
        "labels": [str(m["k"]) for m in means],
        "treated": [m.get("treated_sales") for m in means],
        "control": [m.get("control_sales") for m in means],
        "names": {"treated": _("Adopted: mean sales (million yen)"), "control": _("Comparison: mean sales (million yen)")},
    }


def event_study_svg(results: dict, *, width: int = 520, height: int = 240) -> dict:
    """Points and CI whiskers of the event study, scaled into a width × height box."""
    es = results.get("event_study", [])
    if not es:
        return {}
    pad_l, pad_r, pad_t, pad_b = 48, 12, 12, 28
    lows = [e["ci_low"] for e in es] + [0.0]
    highs = [e["ci_high"] for e in es] + [0.0]
    y_min, y_max = min(lows), max(highs)
    if y_max - y_min < 1e-9:
        y_max = y_min + 1
    span = y_max - y_min
    y_min -= span * 0.1
    y_max += span * 0.1

    def sy(v: float) -> float:
        return round(pad_t + (y_max - v) / (y_max - y_min) * (height - pad_t - pad_b), 1)

    step = (width - pad_l - pad_r) / max(len(es), 1)
    points = []
    for i, e in enumerate(es):
        x = round(pad_l + step * (i + 0.5), 1)
        points.append({"x": x, "y": sy(e["coef"]), "y_low": sy(e["ci_low"]), "y_high": sy(e["ci_high"]), "k": e["k"]})
    ticks = []
    for i in range(5):
        v = y_min + (y_max - y_min) * i / 4
        ticks.append({"y": sy(v), "label": f"{v:.3f}"})
    return {"width": width, "height": height, "points": points, "zero": sy(0.0), "left": pad_l, "right": width - pad_r,
            "bottom": height - pad_b, "ticks": ticks, "label_y": height - 8}
