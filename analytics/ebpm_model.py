"""The computation of the EBPM evaluation (see analytics/ebpm.py for the design)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import statsmodels.api as sm

from applications.models import Application
from companies.models import FinancialYear
from companies.reference import jsic_major_of
from consent.access import PURPOSE_EBPM, SME_AGENCY, SystemRecipient
from consent.projection import Column, release_rows, rows_released

from .ebpm import (
    MAX_MAP_POINTS,
    METHOD_VERSION,
    SALES_BANDS,
    SIZE_BANDS,
    EbpmParams,
    NotEnoughData,
)


def _band(value, edges) -> int:
    if value is None:
        return -1
    for i, edge in enumerate(edges):
        if value <= edge:
            return i
    return len(edges)


EBPM = SystemRecipient(SME_AGENCY, "EBPM")
# A unit enters only where its business allows all four classes of purpose 1.
EBPM_CLASSES = (1, 6, 9, 10)
UNIT_COLUMNS = [Column(name, name) for name in ("business_id", "review_result", "program", "fiscal_year", "round_number",
                                                "business__industry_jsic", "business__employees")]
FINANCIAL_COLUMNS = [Column(name, name) for name in ("business_id", "fiscal_year", "sales", "ordinary_profit", "operating_profit",
                                                     "personnel_cost", "depreciation", "net_assets", "total_assets")]


def _allowed(qs, *, business_field: str):
    """The rows the projection releases to the EBPM job (procedures only with the opt-in)."""
    return rows_released(qs, viewer=EBPM, purpose=PURPOSE_EBPM, classes=EBPM_CLASSES, business_field=business_field)


def load_units(params: EbpmParams) -> pd.DataFrame:
    """One row per unit: business, treated, event year, round, industry, employees."""
    apps = Application.objects.filter(
        is_procedure=False, review_result__in=[Application.ReviewResult.ADOPTED, Application.ReviewResult.NOT_ADOPTED],
    )
    if params.program:
        apps = apps.filter(program=params.program)
    ever_adopted = set(
        _allowed(Application.objects.filter(review_result=Application.ReviewResult.ADOPTED), business_field="business_id")
        .values_list("business_id", flat=True).distinct()
    )
    rows = release_rows(
        apps.filter(fiscal_year__in=params.cohort_years).order_by("business_id", "fiscal_year", "round_number", "id"),
        viewer=EBPM, purpose=PURPOSE_EBPM, columns=UNIT_COLUMNS, require=EBPM_CLASSES,
    ).queryset
    units: dict[int, dict] = {}
    for business_id, result, program, year, round_number, industry, employees in rows:
        adopted = result == Application.ReviewResult.ADOPTED
        unit = units.get(business_id)
        if unit is None:
            if not adopted and business_id in ever_adopted:
                # Adopted outside this selection: neither a clean control nor (here) treated.
                units[business_id] = {"skip": True}
                continue
            units[business_id] = {
                "business_id": business_id, "treated": int(adopted), "event_year": year, "program": program,
                "round": f"{program}:{year}:{round_number or 0}", "industry": industry or "", "employees": employees,
            }
        elif unit.get("skip") and adopted:
            units[business_id] = {
                "business_id": business_id, "treated": 1, "event_year": year, "program": program,
                "round": f"{program}:{year}:{round_number or 0}", "industry": industry or "", "employees": employees,
            }
        elif not unit.get("skip") and not unit["treated"] and adopted:
            unit.update(treated=1, event_year=year, program=program, round=f"{program}:{year}:{round_number or 0}")
    frame = pd.DataFrame([u for u in units.values() if not u.get("skip")])
    if frame.empty:
        raise NotEnoughData("no units")
    return frame


def load_financials(business_ids: list[int], years: tuple[int, int]) -> pd.DataFrame:
    qs = FinancialYear.objects.filter(business_id__in=business_ids, fiscal_year__gte=years[0], fiscal_year__lte=years[1])
    rows = release_rows(qs, viewer=EBPM, purpose=PURPOSE_EBPM, columns=FINANCIAL_COLUMNS, require=EBPM_CLASSES).queryset
    frame = pd.DataFrame(rows, columns=["business_id", "fiscal_year", "sales", "ordinary_profit", "operating_profit",
                                        "personnel_cost", "depreciation", "net_assets", "total_assets"])
    for col in frame.columns[2:]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["value_added"] = frame["operating_profit"] + frame["personnel_cost"] + frame["depreciation"]
    return frame


def match(units: pd.DataFrame, financials: pd.DataFrame, params: EbpmParams) -> pd.DataFrame:
    pre = financials[["business_id", "fiscal_year", "sales"]].rename(columns={"fiscal_year": "pre_year", "sales": "pre_sales"})
    units = units.copy()
    units["pre_year"] = units["event_year"] - 1
    units = units.merge(pre, on=["business_id", "pre_year"], how="left")
    parts = [units["round"]]
    if params.industry_level == "major":
        parts.append(units["industry"].map(jsic_major_of))
    elif params.industry_level == "middle":
        parts.append(units["industry"])
    if params.match_size:
        parts.append(units["employees"].map(lambda e: str(_band(None if pd.isna(e) else e, SIZE_BANDS))))
    if params.match_sales:
        units = units[units["pre_sales"].notna()]
        parts = [p.loc[units.index] for p in parts]
        parts.append(units["pre_sales"].map(lambda s: str(_band(s, SALES_BANDS))))
    units = units.assign(stratum=pd.concat(parts, axis=1).astype(str).agg("|".join, axis=1))
    counts = units.groupby(["stratum", "treated"]).size().unstack(fill_value=0)
    if 0 not in counts.columns or 1 not in counts.columns:
        raise NotEnoughData("no stratum holds both groups")
    good = counts[(counts[0] > 0) & (counts[1] > 0)]
    units = units[units["stratum"].isin(good.index)].copy()
    ratio = (good[1] / good[0]).to_dict()
    units["weight"] = np.where(units["treated"] == 1, 1.0, units["stratum"].map(ratio))
    return units


def _outcome(panel: pd.DataFrame, outcome: str) -> pd.Series:
    if outcome == "log_sales":
        return np.log(panel["sales"].where(panel["sales"] > 0))
    scale = 1_000_000.0  # in millions of yen
    return panel[outcome] / scale


def _within(frame: pd.DataFrame, columns: list[str], group: str) -> pd.DataFrame:
    """Subtract each unit's mean (the unit fixed effect); the weight is constant within a unit."""
    return frame[columns] - frame.groupby(group)[columns].transform("mean")


def _ci(value: float, se: float, confidence: float) -> tuple[float, float]:
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return value - z * se, value + z * se


def estimate(params: EbpmParams) -> dict:
    """Run the analysis; returns a JSON-able result (no rows of business data)."""
    units = load_units(params)
    lo = min(params.cohort_years) - params.pre_years - 1
    hi = max(params.cohort_years) + params.post_years
    financials = load_financials(units["business_id"].tolist(), (lo, hi))
    units = match(units, financials, params)
    if units["treated"].sum() < 2 or (units["treated"] == 0).sum() < 2:
        raise NotEnoughData("fewer than two units in a group after matching")
    panel = financials.merge(units[["business_id", "treated", "event_year", "weight", "stratum"]], on="business_id")
    panel["k"] = panel["fiscal_year"] - panel["event_year"]
    panel = panel[(panel["k"] >= -params.pre_years) & (panel["k"] <= params.post_years)].copy()
    panel["y"] = _outcome(panel, params.outcome)
    panel = panel[panel["y"].notna() & np.isfinite(panel["y"])]
    # Units need at least one observation on each side of the event (and the reference year).
    has_pre = panel[panel["k"] < 0].groupby("business_id").size()
    has_post = panel[panel["k"] >= 0].groupby("business_id").size()
    keep = has_pre.index.intersection(has_post.index)
    panel = panel[panel["business_id"].isin(keep)].copy()
    treated_panel = panel[panel["treated"] == 1]
    if treated_panel.empty or treated_panel["business_id"].nunique() < 2 or panel[panel["treated"] == 0]["business_id"].nunique() < 2:
        raise NotEnoughData("too few units with financials around the event")

    years = sorted(panel["fiscal_year"].unique())
    year_cols = []
    for year in years[1:]:
        col = f"y{year}"
        panel[col] = (panel["fiscal_year"] == year).astype(float)
        year_cols.append(col)
    ks = [k for k in range(-params.pre_years, params.post_years + 1) if k != -1 and (treated_panel["k"] == k).any()]
    k_cols = []
    for k in ks:
        col = f"k{k}".replace("-", "m")
        panel[col] = ((panel["treated"] == 1) & (panel["k"] == k)).astype(float)
        k_cols.append(col)
    panel["treat_post"] = ((panel["treated"] == 1) & (panel["k"] >= 0)).astype(float)
    post_ks = [k for k in ks if k >= 1]
    clusters = panel["business_id"].to_numpy()

    def fit(columns: list[str]):
        demeaned = _within(panel, ["y", *columns], "business_id")
        X = demeaned[columns].to_numpy()
        keep_cols = [i for i in range(X.shape[1]) if np.any(np.abs(X[:, i]) > 1e-12)]
        names = [columns[i] for i in keep_cols]
        model = sm.WLS(demeaned["y"].to_numpy(), X[:, keep_cols], weights=panel["weight"].to_numpy())
        return model.fit(cov_type="cluster", cov_kwds={"groups": clusters}), names

    es, es_names = fit(year_cols + k_cols)
    coef = dict(zip(es_names, es.params, strict=True))
    cov = pd.DataFrame(es.cov_params(), index=es_names, columns=es_names)
    event_study = [{"k": -1, "coef": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n_treated": int((treated_panel["k"] == -1).sum())}]
    for k, col in zip(ks, k_cols, strict=True):
        if col not in coef:
            continue
        se = math.sqrt(max(cov.loc[col, col], 0.0))
        low, high = _ci(coef[col], se, params.confidence)
        event_study.append({"k": k, "coef": coef[col], "se": se, "ci_low": low, "ci_high": high,
                            "n_treated": int((treated_panel["k"] == k).sum())})
    event_study.sort(key=lambda e: e["k"])
    # ATT over the post-event years (k ≥ 1: the years after the adoption year), weighted by
    # the treated observations at each k.
    post_cols = [f"k{k}" for k in post_ks if f"k{k}" in coef]
    counts = np.array([(treated_panel["k"] == int(c[1:])).sum() for c in post_cols], dtype=float)
    if not post_cols or counts.sum() == 0:
        raise NotEnoughData("no treated observations after the event")
    weights = counts / counts.sum()
    att = float(sum(w * coef[c] for w, c in zip(weights, post_cols, strict=True)))
    sub = cov.loc[post_cols, post_cols].to_numpy()
    att_se = float(math.sqrt(max(weights @ sub @ weights, 0.0)))
    att_low, att_high = _ci(att, att_se, params.confidence)

    pooled, pooled_names = fit(year_cols + ["treat_post"])
    pooled_coef = dict(zip(pooled_names, pooled.params, strict=True))
    pooled_se = float(pooled.bse[pooled_names.index("treat_post")])
    p_low, p_high = _ci(pooled_coef["treat_post"], pooled_se, params.confidence)

    result = {
        "method": METHOD_VERSION,
        "outcome": params.outcome,
        "n_treated": int(units["treated"].sum()),
        "n_control": int((units["treated"] == 0).sum()),
        "n_strata": int(units["stratum"].nunique()),
        "n_obs": int(len(panel)),
        "n_clusters": int(panel["business_id"].nunique()),
        "did": {"coef": att, "se": att_se, "ci_low": att_low, "ci_high": att_high,
                "p_value": 2 * (1 - NormalDist().cdf(abs(att / att_se))) if att_se > 0 else 0.0,
                "weights": {str(int(c[1:])): float(w) for c, w in zip(post_cols, weights, strict=True)}},
        "did_pooled": {"coef": float(pooled_coef["treat_post"]), "se": pooled_se, "ci_low": p_low, "ci_high": p_high},
        "event_study": event_study,
        "means": _means(panel, financials, units, params),
        "mapping": _mapping(financials, units),
    }
    if params.outcome == "log_sales":
        result["did"]["effect_pct"] = 100 * (math.exp(att) - 1)
        result["did"]["effect_pct_low"] = 100 * (math.exp(att_low) - 1)
        result["did"]["effect_pct_high"] = 100 * (math.exp(att_high) - 1)
    return result


def _means(panel: pd.DataFrame, financials: pd.DataFrame, units: pd.DataFrame, params: EbpmParams) -> list[dict]:
    """Weighted mean sales and ordinary profit (millions of yen) by year relative to the event."""
    frame = financials.merge(units[["business_id", "treated", "event_year", "weight"]], on="business_id")
    frame["k"] = frame["fiscal_year"] - frame["event_year"]
    frame = frame[(frame["k"] >= -params.pre_years) & (frame["k"] <= params.post_years)]
    out = []
    for k in range(-params.pre_years, params.post_years + 1):
        entry = {"k": k}
        for treated, name in ((1, "treated"), (0, "control")):
            part = frame[(frame["k"] == k) & (frame["treated"] == treated)]
            for col in ("sales", "ordinary_profit"):
                valid = part[part[col].notna()]
                wsum = valid["weight"].sum()
                entry[f"{name}_{col}"] = float((valid[col] * valid["weight"]).sum() / wsum / 1_000_000) if wsum else None
            entry[f"{name}_n"] = int(len(part))
        out.append(entry)
    return out


def _mapping(financials: pd.DataFrame, units: pd.DataFrame) -> dict:
    """The CRD mapping view: creditworthiness proxy (equity ratio, %) against growth (sales
    growth, %), before support (year before the event, growth over the year before it) and
    after (two years after the event, growth over those two years, annualised)."""
    fin = financials.set_index(["business_id", "fiscal_year"])

    def point(business_id: int, year: int, base_year: int) -> list[float] | None:
        try:
            row, base = fin.loc[(business_id, year)], fin.loc[(business_id, base_year)]
        except KeyError:
            return None
        if not (row["total_assets"] and row["total_assets"] > 0 and base["sales"] and base["sales"] > 0 and row["sales"] > 0):
            return None
        years = year - base_year
        growth = 100 * ((row["sales"] / base["sales"]) ** (1 / years) - 1)
        equity = 100 * row["net_assets"] / row["total_assets"]
        return [round(float(equity), 1), round(float(growth), 1)]

    out = {"before": {"treated": [], "control": []}, "after": {"treated": [], "control": []}}
    ordered = units.sort_values("business_id")
    for row in ordered.itertuples():
        group = "treated" if row.treated else "control"
        before = point(row.business_id, row.event_year - 1, row.event_year - 2)
        after = point(row.business_id, row.event_year + 2, row.event_year)
        if before is not None and len(out["before"][group]) < MAX_MAP_POINTS:
            out["before"][group].append(before)
        if after is not None and len(out["after"][group]) < MAX_MAP_POINTS:
            out["after"][group].append(after)
    quadrants = {}
    for period in ("before", "after"):
        for group in ("treated", "control"):
            points = out[period][group]
            quadrants[f"{period}_{group}"] = {
                "strong_growing": sum(1 for x, y in points if x >= 30 and y >= 0),
                "weak_growing": sum(1 for x, y in points if x < 30 and y >= 0),
                "strong_shrinking": sum(1 for x, y in points if x >= 30 and y < 0),
                "weak_shrinking": sum(1 for x, y in points if x < 30 and y < 0),
                "n": len(points),
            }
    out["quadrants"] = quadrants
    out["equity_threshold"] = 30
    return out
