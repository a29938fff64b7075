"""EBPM: adopted applicants against comparable non-adopted ones (seed 001: the サポイン
evaluation compared adopted and non-adopted firms year by year; the CRD work added the
monitoring, comparison and mapping views).

Design
------
* Units. A treated unit is a business with an adopted subsidy application in the cohort
  years (its first adoption is the event); a control unit is a business whose applications
  in the cohort years were all not adopted and which was never adopted at all (so that no
  control is treated later). Each business is one unit.
* Comparability (coarsened exact matching). Units are grouped into strata of the same
  round (program, fiscal year, round number), the same industry (JSIC major division, or the
  middle class), the same size band (employees) and the same band of pre-application sales
  (fiscal year before the event). Strata without both groups are dropped; a control is
  weighted N_treated/N_control of its stratum so that each stratum's controls weigh what its
  treated units weigh.
* Estimate. A two-way fixed-effects event study on the panel of each unit's financial years
  from `pre_years` before to `post_years` after its event: unit and year fixed effects and a
  dummy for each relative year of the treated (the year before the event is the reference),
  estimated by weighted least squares with standard errors clustered by business
  (statsmodels). The DiD estimate (ATT) is the average of the post-event coefficients weighted
  by the treated observations at each relative year, with its CI from the clustered covariance.
  Because the event study has a dummy for every relative year in the window and the controls
  are never treated, staggered cohorts do not contaminate one another the way a single pooled
  "treated × post" dummy can; the pooled estimate is reported beside it for comparison.
* Consent. Purpose 1 (EBPM), recipient 2 (the agency): classes 1 (industry, size), 6
  (financials), 9 (the review result) and 10 (program, round, year) — a business is in the
  analysis only where it allows all four, and procedures only with the opt-in: its inputs
  are the rows the set-based projection releases (`consent.projection.release_rows`).

Everything needed to reproduce a result is in its parameters (and the data as of the run).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from applications.models import PROCEDURES, Program

OUTCOMES = ("log_sales", "sales", "ordinary_profit", "value_added")
SIZE_BANDS = (5, 20, 50)  # ≤5, ≤20, ≤50, more (the small-business thresholds of seed 003)
SALES_BANDS = (10_000_000, 30_000_000, 100_000_000, 300_000_000)
MAX_MAP_POINTS = 400
METHOD_VERSION = "cem-twfe-event-study/1"


@dataclass
class EbpmParams:
    program: str = ""  # "" = every subsidy
    cohort_years: list[int] = field(default_factory=lambda: [2020, 2021, 2022, 2023])
    outcome: str = "log_sales"
    pre_years: int = 2
    post_years: int = 3
    industry_level: str = "major"  # "major" | "middle" | "none"
    match_size: bool = True
    match_sales: bool = True
    confidence: float = 0.95

    def validate(self) -> list[str]:
        problems = []
        if self.outcome not in OUTCOMES:
            problems.append("outcome")
        if self.program and (self.program not in Program.values or self.program in PROCEDURES):
            problems.append("program")
        if not self.cohort_years or any(not (2000 <= y <= 2100) for y in self.cohort_years):
            problems.append("cohort_years")
        if not (1 <= self.pre_years <= 5) or not (1 <= self.post_years <= 6):
            problems.append("window")
        if self.industry_level not in ("major", "middle", "none"):
            problems.append("industry_level")
        if not (0.5 < self.confidence < 1):
            problems.append("confidence")
        return problems

    def as_dict(self) -> dict:
        data = asdict(self)
        data["cohort_years"] = sorted(int(y) for y in self.cohort_years)
        data["method"] = METHOD_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict) -> EbpmParams:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class NotEnoughData(Exception):
    """Too few comparable adopted and non-adopted units for an estimate."""


# The estimate itself is in analytics/ebpm_model.py (numpy, pandas, statsmodels), imported
# by the worker's task (analytics/tasks.py) and never by a web process: this module holds
# only what the pages, forms and services need, and imports nothing from the model.
