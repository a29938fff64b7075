"""Recommendations of programs and case studies for one business.

Two parts, blended (score = CONTENT_WEIGHT·content/max + CF_WEIGHT·cf/max):

- content-based: the business's attributes (class 1: industry, region, size), challenges
  (class 11: themes and their descriptions) and, where class 6 is allowed, the weak
  indicators of its ローカルベンチマーク diagnosis, against each item's targeting and text;
- collaborative: items favoured (weight 3), viewed (1) or applied for (4, class 10) by
  similar businesses — similar by shared saved items (cosine) and by attributes (same
  industry, region, size band). An item needs at least MIN_NEIGHBOURS distinct similar
  businesses, so that no single business's behaviour shows through.

Consent (purpose 5, the agency side computing: recipients 1-3): a data class is used for
the business only if all three recipients may use it; other businesses' behaviour and
attributes enter only where they allow the same. Items the business is not eligible for
(region — prefecture and, for a municipal program, the municipality —, size, industry
restriction, the age of the business for a start-up (創業) program, closed deadline) are
never recommended; without the business's attributes only programs open to everyone remain.

Every reason is a translated sentence with named placeholders.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules
from applications.models import Application, Program
from companies.models import Business, Challenge, FinancialYear
from companies.reference import JSIC_MIDDLE, PREFECTURES, jsic_major_of
from consent.access import (
    IAA,
    METI,
    PURPOSE_SUPPORT_INFORMATION,
    SME_AGENCY,
    ConsentContext,
    SystemRecipient,
)
from consent.projection import rows_released
from programs.models import THEME_LABELS, CaseStudy, SupportProgram, size_band_of

from .models import Favourite, ViewEvent

COMPUTING_RECIPIENTS = tuple(SystemRecipient(r, "recommendations") for r in (METI, SME_AGENCY, IAA))
CONTENT_WEIGHT, CF_WEIGHT = 0.55, 0.45
MIN_NEIGHBOURS = 2
W_FAVOURITE, W_VIEW, W_APPLIED = 3.0, 1.0, 4.0
MAX_NEIGHBOURS = 3000
SMALL_BUSINESS_PROGRAMS = (Program.JIZOKUKA_GENERAL,)


@dataclass
class Profile:
    business_id: int
    attributes: bool = False  # class 1 usable
    industry: str = ""
    prefecture: str = ""
    municipality: str = ""
    founded_year: int | None = None
    employees: int | None = None
    size_band: str = ""
    themes: set[str] = field(default_factory=set)
    challenge_text: str = ""
    finance: bool = False  # class 6 usable
    weak: list[tuple[str, list[str]]] = field(default_factory=list)  # (indicator label, themes)
    applications: bool = False  # class 10 usable

    @property
    def industry_major(self) -> str:
        return jsic_major_of(self.industry)


@dataclass
class Recommendation:
    kind: str  # "program" | "case_study"
    item: Any  # SupportProgram | CaseStudy
    score: float
    reasons: list[str]
    content: float = 0.0
    collaborative: float = 0.0
    finance_based: bool = False

    @property
    def item_id(self) -> int:
        return self.item.pk


def usable_classes(business_id: int, context: ConsentContext | None = None) -> set[int]:
    context = context or ConsentContext([business_id])
    return {
        c for c in (1, 6, 10, 11)
        if all(context.decide(business_id, purpose=PURPOSE_SUPPORT_INFORMATION, data_class=c, recipient=r.recipient,
                              viewer=r).allowed
               for r in COMPUTING_RECIPIENTS)
    }


def _allowing(queryset, *, data_class: int, business_field: str = "pk"):
    # The rows the projection releases to all three computing recipients; on rows of
    # applications it also applies the procedure-origin rule: a procedure without the
    # checklist opt-in is no interaction (seed 003 §17).
    return rows_released(queryset, viewer=COMPUTING_RECIPIENTS, purpose=PURPOSE_SUPPORT_INFORMATION,
                         classes=(data_class,), business_field=business_field)


def build_profile(business: Business, *, classes: set[int] | None = None) -> Profile:
    classes = usable_classes(business.pk) if classes is None else classes
    profile = Profile(business_id=business.pk)
    if 1 in classes:
        profile.attributes = True
        profile.industry, profile.prefecture = business.industry_jsic, business.prefecture
        profile.municipality, profile.founded_year = business.municipality, business.founded_year
        profile.employees, profile.size_band = business.employees, size_band_of(business.employees)
    if 11 in classes:
        for theme, description in Challenge.objects.filter(business=business).values_list("theme", "description"):
            profile.themes.add(theme)
            profile.challenge_text += " " + (description or "")
    if 6 in classes:
        profile.finance = True
        from .diagnosis import diagnose

        years = list(FinancialYear.objects.filter(business=business).order_by("fiscal_year"))
        if years and 1 in classes:
            # diagnose() takes the latest complete year (and the one before) itself.
            diagnosis = diagnose(business=business, years=years[-4:])
            profile.weak = [(i.label, i.themes) for i in diagnosis.weak]
    profile.applications = 10 in classes
    return profile


def _eligible_programs(profile: Profile, today):
    queryset = SupportProgram.objects.filter(Q(deadline__isnull=True) | Q(deadline__gte=today)).defer("body", "search_text", "search_tokens", "search_vector")
    if profile.attributes:
        queryset = queryset.filter(Q(prefectures=[]) | Q(prefectures__contains=[profile.prefecture]))
        queryset = queryset.filter(Q(industries=[]) | Q(industries__contains=[profile.industry]))
        # A municipal program is for its towns only.
        queryset = queryset.filter(Q(municipalities=[]) | Q(municipalities__contains=[profile.municipality]))
        if profile.employees is not None:
            queryset = queryset.filter(Q(min_employees__isnull=True) | Q(min_employees__lte=profile.employees))
            queryset = queryset.filter(Q(max_employees__isnull=True) | Q(max_employees__gte=profile.employees))
        # A start-up (創業) program is for businesses founded within its years; a business
        # whose founding year is unknown cannot show it is one.
        if profile.founded_year is None:
            queryset = queryset.filter(max_business_age__isnull=True)
        else:
            queryset = queryset.filter(Q(max_business_age__isnull=True) | Q(max_business_age__gte=today.year - profile.founded_year))
    else:
        # Without the business's attributes we cannot check eligibility: only programs
        # open to everyone remain.
        queryset = queryset.filter(prefectures=[], municipalities=[], industries=[], min_employees__isnull=True,
                                   max_employees__isnull=True, max_business_age__isnull=True)
        # The 持続化補助金 is only for small businesses; without the size we cannot tell.
        queryset = queryset.exclude(application_program__in=SMALL_BUSINESS_PROGRAMS)
    programs = list(queryset)
    if profile.attributes:
        # Seed 003 §1-2: the small-business limit of the industry group (applications.rules,
        # the same rule the submission and the self-check apply).
        size = rules.business_size_check(jsic=profile.industry, employees=profile.employees)
        if size is not None and not size.ok:
            programs = [p for p in programs if p.application_program not in SMALL_BUSINESS_PROGRAMS]
    return programs


def _theme_label(theme: str) -> str:
    return str(THEME_LABELS.get(theme, theme))


def _content_program(profile: Profile, p: SupportProgram) -> tuple[float, list[str], bool]:
    score, reasons, finance = 0.0, [], False
    for theme in sorted(profile.themes & set(p.themes))[:2]:
        score += 0.35
        reasons.append(_("Addresses your challenge “%(theme)s”") % {"theme": _theme_label(theme)})
    if profile.attributes:
        if p.industries and profile.industry in p.industries:
            score += 0.25
            reasons.append(_("Targets your industry (%(industry)s)") % {"industry": JSIC_MIDDLE.get(profile.industry, profile.industry)})
        if p.municipalities and profile.municipality in p.municipalities:
            score += 0.25
            reasons.append(_("For businesses in %(municipality)s") % {"municipality": profile.municipality})
        elif p.prefectures and profile.prefecture in p.prefectures:
            score += 0.2
            reasons.append(_("For businesses in %(prefecture)s") % {"prefecture": PREFECTURES.get(profile.prefecture, profile.prefecture)})
        if p.max_business_age is not None and profile.founded_year is not None:
            score += 0.15
            reasons.append(_("For businesses started within %(years)d years; yours was founded in %(year)d")
                           % {"years": p.max_business_age, "year": profile.founded_year})
        if p.min_employees is not None or p.max_employees is not None:
            score += 0.1
            reasons.append(_("Your number of employees is within its target"))
    for tag in p.tags:
        if len(tag) >= 2 and tag in profile.challenge_text:
            score += 0.1
            reasons.append(_("Matches “%(keyword)s” in your challenges") % {"keyword": tag})
            break
    for label, themes in profile.weak:
        if set(themes) & set(p.themes):
            score += 0.3
            finance = True
            reasons.append(_("Helps with %(indicator)s, a weak point in your diagnosis") % {"indicator": label})
            break
    return score, reasons, finance


def _content_case(profile: Profile, c: CaseStudy) -> tuple[float, list[str], bool]:
    score, reasons, finance = 0.0, [], False
    for theme in sorted(profile.themes & set(c.themes))[:2]:
        score += 0.35
        reasons.append(_("Addresses your challenge “%(theme)s”") % {"theme": _theme_label(theme)})
    if profile.attributes:
        if c.industry_jsic == profile.industry:
            score += 0.3
            reasons.append(_("A business of the same industry"))
        elif jsic_major_of(c.industry_jsic) == profile.industry_major:
            score += 0.1
            reasons.append(_("A business of a related industry"))
        if c.prefecture == profile.prefecture:
            score += 0.1
            reasons.append(_("A business in %(prefecture)s") % {"prefecture": PREFECTURES.get(profile.prefecture, profile.prefecture)})
        if c.size_band == profile.size_band:
            score += 0.15
            reasons.append(_("A business of your size"))
    for label, themes in profile.weak:
        if set(themes) & set(c.themes):
            score += 0.25
            finance = True
            reasons.append(_("Shows how others improved %(indicator)s, a weak point in your diagnosis") % {"indicator": label})
            break
    return score, reasons, finance


# --- collaborative ---------------------------------------------------------------------------

def _interactions(business_ids, *, applications: bool, program_by_code: dict[str, int],
                  applied: dict[int, set] | None = None) -> dict[int, dict[tuple[str, int], float]]:
    """business → {(kind, item id): weight}; `applied` collects business → applied programs."""
    out: dict[int, dict[tuple[str, int], float]] = defaultdict(lambda: defaultdict(float))
    for b, p, c in Favourite.objects.filter(business_id__in=business_ids).values_list("business_id", "program_id", "case_study_id"):
        out[b][("program", p) if p else ("case_study", c)] += W_FAVOURITE
    for b, p, c in ViewEvent.objects.filter(business_id__in=business_ids).values_list("business_id", "program_id", "case_study_id").distinct():
        key = ("program", p) if p else ("case_study", c)
        out[b][key] = max(out[b][key], 0) + W_VIEW
    if applications and program_by_code:
        rows = _allowing(Application.objects.filter(business_id__in=business_ids), data_class=10, business_field="business_id")
        for b, code in rows.exclude(status=Application.Status.DRAFT).values_list("business_id", "program").distinct():
            if code in program_by_code:
                out[b][("program", program_by_code[code])] += W_APPLIED
                if applied is not None:
                    applied.setdefault(b, set()).add(("program", program_by_code[code]))
    return out


def _collaborative(profile: Profile, business: Business, own: dict[tuple[str, int], float], program_by_code: dict[str, int]):
    """item → (score, {reason key: weight}, neighbour count)."""
    neighbours: dict[int, tuple[float, str]] = {}
    # Businesses that saved or viewed what this business saved or viewed.
    if own:
        own_programs = [i for k, i in own if k == "program"]
        own_cases = [i for k, i in own if k == "case_study"]
        co = Favourite.objects.filter(Q(program_id__in=own_programs) | Q(case_study_id__in=own_cases)).exclude(business_id=business.pk)
        co_ids = set(co.values_list("business_id", flat=True)[:MAX_NEIGHBOURS])
    else:
        co_ids = set()
    attr_ids: dict[int, tuple[bool, bool, bool]] = {}
    if profile.attributes:
        similar = _allowing(
            Business.objects.filter(Q(industry_jsic=profile.industry) | Q(prefecture=profile.prefecture)).exclude(pk=business.pk),
            data_class=1,
        ).filter(Q(favourites__isnull=False) | Q(catalogue_views__isnull=False)).distinct()
        for pk, industry, prefecture, employees in similar.values_list("pk", "industry_jsic", "prefecture", "employees")[:MAX_NEIGHBOURS]:
            attr_ids[pk] = (industry == profile.industry, prefecture == profile.prefecture, size_band_of(employees) == profile.size_band)
    candidate_ids = co_ids | set(attr_ids)
    if not candidate_ids:
        return {}
    applied_by: dict[int, set] = {}
    interactions = _interactions(candidate_ids, applications=profile.applications, program_by_code=program_by_code, applied=applied_by)
    own_norm = math.sqrt(sum(w * w for w in own.values())) or 1.0
    for n, items in interactions.items():
        overlap = sum(own.get(k, 0) * w for k, w in items.items())
        norm = math.sqrt(sum(w * w for w in items.values())) or 1.0
        behaviour = overlap / (own_norm * norm) if own else 0.0
        same_industry, same_pref, same_size = attr_ids.get(n, (False, False, False))
        attribute = 0.5 * same_industry + 0.2 * same_pref + 0.2 * same_size
        sim = behaviour + attribute
        if sim <= 0:
            continue
        if same_industry and same_pref:
            reason = "industry_region"
        elif same_industry:
            reason = "industry"
        elif behaviour > 0:
            reason = "behaviour"
        else:
            reason = "region"
        neighbours[n] = (sim, reason)
    scores: dict[tuple[str, int], float] = defaultdict(float)
    reason_weights: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[tuple[str, int], int] = defaultdict(int)
    applied: dict[tuple[str, int], bool] = defaultdict(bool)
    for n, (sim, reason) in neighbours.items():
        for key, weight in interactions[n].items():
            if key in own:
                continue
            scores[key] += sim * weight
            reason_weights[key][reason] += sim * weight
            counts[key] += 1
            if key in applied_by.get(n, ()):
                applied[key] = True
    return {k: (s, reason_weights[k], counts[k], applied[k]) for k, s in scores.items() if counts[k] >= MIN_NEIGHBOURS}


def _cf_reason(reasons: dict[str, float], applied: bool) -> str:
    top = max(reasons, key=lambda key: reasons[key])
    if applied and top in ("industry_region", "industry"):
        return _("Businesses of the same industry applied for it")
    return {
        "industry_region": _("Used by businesses of the same industry and region"),
        "industry": _("Used by businesses of the same industry"),
        "region": _("Used by businesses in your region"),
        "behaviour": _("Saved by businesses that saved what you saved"),
    }[top]


def recommend(business: Business, *, limit: int = 10, today=None, exclude_saved: bool = True,
              content_weight: float = CONTENT_WEIGHT, cf_weight: float = CF_WEIGHT) -> dict[str, list[Recommendation]]:
    today = today or timezone.localdate()
    classes = usable_classes(business.pk)
    profile = build_profile(business, classes=classes)
    programs = _eligible_programs(profile, today)
    cases = list(CaseStudy.objects.defer("actions", "results", "search_text", "search_tokens", "search_vector"))
    program_by_code = dict(SupportProgram.objects.exclude(application_program="").values_list("application_program", "pk"))
    own = _interactions([business.pk], applications=profile.applications, program_by_code=program_by_code).get(business.pk, {})
    saved = set(Favourite.objects.filter(business=business).values_list("program_id", "case_study_id"))
    saved_keys = {("program", p) if p else ("case_study", c) for p, c in saved}
    cf = _collaborative(profile, business, dict(own), program_by_code)

    results: dict[str, list[Recommendation]] = {"program": [], "case_study": []}
    for kind, items, scorer in (("program", programs, _content_program), ("case_study", cases, _content_case)):
        raw = []
        for item in items:
            key = (kind, item.pk)
            if exclude_saved and key in saved_keys:
                continue
            content, reasons, finance = scorer(profile, item)
            collab = cf.get(key)
            raw.append((item, content, reasons, finance, collab))
        max_content = max((r[1] for r in raw), default=0) or 1.0
        max_cf = max((r[4][0] for r in raw if r[4]), default=0) or 1.0
        for item, content, reasons, finance, collab in raw:
            cf_score = collab[0] / max_cf if collab else 0.0
            score = content_weight * content / max_content + cf_weight * cf_score
            if score <= 0:
                continue
            reasons = list(reasons)
            if collab:
                reasons.insert(0, _cf_reason(collab[1], collab[3]))
            if not reasons:  # every recommendation says why, in words
                reasons.append(_("Open to businesses of every region and industry") if kind == "program"
                               else _("A case study of a business like many on the portal"))
            results[kind].append(Recommendation(kind=kind, item=item, score=round(score, 4), reasons=reasons,
                                                content=content, collaborative=cf_score, finance_based=finance))
        results[kind].sort(key=lambda r: (-r.score, r.item.pk))
        results[kind] = results[kind][:limit]
    return results


def popular(business: Business, *, limit: int = 10, today=None) -> dict[str, list[int]]:
    """The baseline: the most-saved eligible items the business has not saved."""
    from django.db.models import Count

    today = today or timezone.localdate()
    profile = build_profile(business)
    eligible = {p.pk for p in _eligible_programs(profile, today)}
    saved = set(Favourite.objects.filter(business=business).values_list("program_id", "case_study_id"))
    saved_programs = {p for p, _c in saved if p}
    saved_cases = {c for _p, c in saved if c}
    programs = [
        pk for pk in Favourite.objects.filter(program__isnull=False).values("program_id").annotate(n=Count("id"))
        .order_by("-n", "program_id").values_list("program_id", flat=True)
        if pk in eligible and pk not in saved_programs
    ][:limit]
    cases = [
        pk for pk in Favourite.objects.filter(case_study__isnull=False).values("case_study_id").annotate(n=Count("id"))
        .order_by("-n", "case_study_id").values_list("case_study_id", flat=True)
        if pk not in saved_cases
    ][:limit]
    return {"program": programs, "case_study": cases}
