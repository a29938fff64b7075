"""Reads of consent: the policy in force, a business's narrowings, its grid, history,
"what had we allowed on that date?" and the receipt document.

Pages and API views call these (and consent.services for writes), never the models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .access import (
    APPLICANT,
    IAA,
    METI,
    PUBLIC,
    PURPOSE_CONSULTATION,
    PURPOSE_EBPM,
    PURPOSE_MATCHING,
    PURPOSE_ONCE_ONLY,
    PURPOSE_OPEN_DATA,
    PURPOSE_SHARING,
    PURPOSE_SUPPORT_INFORMATION,
    PURPOSE_TRACK_RECORD,
    RESEARCHERS,
    SME_AGENCY,
    SMES,
    SUPPORT_INSTITUTIONS,
    Person,
    condition_note,
    current_policy_version,
    policy_table,
)
from .models import (
    ConsentChange,
    DataClass,
    Narrowing,
    PolicyVersion,
    Purpose,
    Recipient,
)
from .registry import (
    ALL_DATA_CLASSES,
    APPLICATION_CONTENT,
    BUSINESS,
    BUSINESS_PLAN,
    CHALLENGES,
    CONTACT_PERSON,
    FINANCIALS,
    IDENTITY,
    JOINT_APPLICANTS,
    PROGRAM_USAGE,
    REVIEW,
    SUPPORT_INSTITUTION,
    SUPPORT_RECORD,
)

if TYPE_CHECKING:
    from companies.models import Business

Denial = tuple[int, int, int | None]  # (data_class, recipient, purpose or None = every purpose)


def denial_key(item: Denial) -> tuple[int, int, int]:
    return (item[0], item[1], item[2] or 0)


def normalise(denied: set[Denial]) -> set[Denial]:
    """Drop per-purpose denials of a pair that is denied for every purpose anyway."""
    every = {(c, r) for c, r, p in denied if p is None}
    return {(c, r, p) for c, r, p in denied if p is None or (c, r) not in every}


def denial_dicts(items: Iterable[Denial]) -> list[dict[str, int | None]]:
    return [{"data_class": c, "recipient": r, "purpose": p} for c, r, p in sorted(items, key=denial_key)]


def denials_from_dicts(items: list[dict[str, Any]]) -> set[Denial]:
    return {(int(d["data_class"]), int(d["recipient"]), None if d.get("purpose") is None else int(d["purpose"])) for d in items}


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


# --- the policy -------------------------------------------------------------------------


@dataclass
class PolicyView:
    """One policy version with its classes, recipients and purposes, in display order."""

    version: PolicyVersion
    data_classes: list[DataClass]
    recipients: list[Recipient]
    purposes: list[Purpose]
    class_names: dict[int, str] = field(default_factory=dict)
    recipient_names: dict[int, str] = field(default_factory=dict)
    purpose_names: dict[int, str] = field(default_factory=dict)


# Short names for tabs and column heads, where the policy's full wording does not fit;
# the full names stay beside them (headings, the list of purposes and recipients).
PURPOSE_SHORT_NAMES = {
    "ebpm": gettext_lazy("Policy evaluation (EBPM)"),
    "intra_government_sharing": gettext_lazy("Sharing within government"),
    "applicant_records": gettext_lazy("Your past applications"),
    "once_only": gettext_lazy("Once-only applications"),
    "support_information": gettext_lazy("Support information for you"),
    "consultation": gettext_lazy("Consultations with supporters"),
    "institution_track_record": gettext_lazy("Supporters' track records"),
    "supporter_matching": gettext_lazy("Supporter matching"),
    "open_data": gettext_lazy("Open data"),
}
RECIPIENT_SHORT_NAMES = {
    "meti": gettext_lazy("METI"),
    "sme_agency": gettext_lazy("SME Agency"),
    "iaa": gettext_lazy("Incorporated administrative agencies"),
    "researchers": gettext_lazy("Researchers"),
    "support_institutions": gettext_lazy("Support institutions"),
    "smes": gettext_lazy("SMEs"),
    "applicant": gettext_lazy("The applicant"),
    "public": gettext_lazy("The public (website, gBizINFO)"),
}


def policy_view(*, version: PolicyVersion | None = None, on: dt.date | None = None) -> PolicyView:
    """The policy in force (or a given version), names in the active language. 4 queries."""
    version = version or current_policy_version(on)
    english = _english()
    classes = list(DataClass.objects.filter(policy=version).order_by("code"))
    recipients = list(Recipient.objects.filter(policy=version).order_by("code"))
    purposes = list(Purpose.objects.filter(policy=version).order_by("code"))
    named: list[DataClass | Recipient | Purpose] = [*classes, *recipients, *purposes]
    for item in named:
        item.name = item.name_en if english else item.name_ja
    for p in purposes:
        p.plain = (p.plain_en if english else p.plain_ja) or p.plain_ja
        p.short = PURPOSE_SHORT_NAMES.get(p.slug, p.name)
    for r in recipients:
        r.condition = condition_note(r.code)
        r.short = RECIPIENT_SHORT_NAMES.get(r.slug, r.name)
    return PolicyView(
        version=version, data_classes=classes, recipients=recipients, purposes=purposes,
        class_names={c.code: c.name for c in classes}, recipient_names={r.code: r.name for r in recipients},
        purpose_names={p.code: p.name for p in purposes},
    )


def policy_document() -> dict[str, Any]:
    """GET /api/v1/policy, exactly the shape of api.md."""
    view = policy_view()
    return {
        "version": view.version.version,
        "data_classes": [{"code": c.code, "name": c.name} for c in view.data_classes],
        "recipients": [{"code": r.code, "name": r.name} for r in view.recipients],
        "purposes": [
            {"code": p.code, "name": p.name, "data_classes": sorted(p.data_classes), "recipients": sorted(p.recipients)}
            for p in view.purposes
        ],
    }


def policy_version_list() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.order_by("-effective_from", "-id")


# --- a business's narrowings ------------------------------------------------------------


def narrowings_of(business: Business) -> set[Denial]:
    return {
        (c, r, p)
        for c, r, p in Narrowing.objects.filter(business_id=business.pk).values_list("data_class", "recipient", "purpose")
    }


def narrowings_digest(denied: set[Denial]) -> str:
    """A short fingerprint of a set of narrowings (the confirm step checks that nothing
    changed between showing the changes and applying them)."""
    payload = json.dumps(denial_dicts(denied), separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def effective_grants(business: Business, *, denied: set[Denial] | None = None) -> dict[str, Any]:
    """GET /api/v1/consent: every (purpose, class, recipient) the table allows, and
    whether the business's consent lets it happen."""
    table = policy_table()
    denied = narrowings_of(business) if denied is None else denied
    grants = []
    for purpose in sorted(table.purposes):
        classes, recipients = table.purposes[purpose]
        for data_class in sorted(classes):
            for recipient in sorted(recipients):
                allowed = (data_class, recipient, None) not in denied and (data_class, recipient, purpose) not in denied
                grants.append({"purpose": purpose, "data_class": data_class, "recipient": recipient, "allowed": allowed})
    return {"policy_version": table.version, "grants": grants}


def business_for_decision(*, viewer: Person, corporate_number: str) -> Business | None:
    """The company a decision is asked about: any company for agency staff, only its own
    for a business user; None (a 404) for "absent" and "not yours" alike."""
    from django.db.models import Q

    from companies.models import Business

    # A sole proprietor has no 法人番号; its GBizID management number identifies it.
    by_number = Q(corporate_number=corporate_number) | Q(gbizid_management_number=corporate_number)
    if getattr(viewer, "is_agency_staff", False):
        return Business.objects.filter(by_number).first()
    membership = getattr(viewer, "membership_or_none", None)
    if membership is None:
        return None
    return Business.objects.filter(by_number, pk=membership.business_id).first()


# --- the grid ---------------------------------------------------------------------------

ALLOWED, DENIED, DENIED_ALL, PARTLY, EXCLUDED = "allowed", "denied", "denied_all", "partly", "excluded"


@dataclass
class Cell:
    data_class: int
    recipient: int
    state: str
    editable: bool
    fixed: bool = False  # recipient 7: the business's own records, always on
    conditional: bool = False  # recipient 4 / 5: a further condition applies
    denied_purposes: list[int] = field(default_factory=list)
    recipient_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.data_class}-{self.recipient}"

    @property
    def checked(self) -> bool:
        return self.state in (ALLOWED, PARTLY)


@dataclass
class Grid:
    policy: PolicyView
    purpose: Purpose | None
    rows: list[tuple[DataClass, list[Cell]]]
    denied: set[Denial]

    @property
    def editable_keys(self) -> set[tuple[int, int]]:
        return {(c.data_class, c.recipient) for _, cells in self.rows for c in cells if c.editable}


def consent_grid(*, business: Business, purpose: int | None, policy: PolicyView | None = None,
                 denied: set[Denial] | None = None) -> Grid:
    """Class × recipient for one purpose, or across every purpose (purpose None).

    States: allowed by the table and not denied; denied by the business (for this
    purpose, or for every purpose); partly denied (some purposes, in the all-purposes
    view); not allowed by the table at all."""
    policy = policy or policy_view()
    denied = narrowings_of(business) if denied is None else denied
    table = {p.code: (set(p.data_classes), set(p.recipients)) for p in policy.purposes}
    selected = next((p for p in policy.purposes if p.code == purpose), None) if purpose is not None else None
    rows = []
    for data_class in policy.data_classes:
        cells = []
        c = data_class.code
        for recipient in policy.recipients:
            r = recipient.code
            fixed = r == APPLICANT
            conditional = r in (RESEARCHERS, SUPPORT_INSTITUTIONS)
            if selected is not None:
                classes, recipients = table[selected.code]
                if c not in classes or r not in recipients:
                    state = EXCLUDED
                elif (c, r, None) in denied:
                    state = DENIED_ALL
                elif (c, r, selected.code) in denied:
                    state = DENIED
                else:
                    state = ALLOWED
                cells.append(Cell(c, r, state, editable=state in (ALLOWED, DENIED) and not fixed, fixed=fixed and state == ALLOWED,
                                  conditional=conditional, recipient_name=recipient.name))
            else:
                purposes = [p for p, (classes, recipients) in sorted(table.items()) if c in classes and r in recipients]
                partial: list[int]
                if not purposes:
                    state, partial = EXCLUDED, []
                elif (c, r, None) in denied:
                    state, partial = DENIED, []
                else:
                    partial = [p for p in purposes if (c, r, p) in denied]
                    state = PARTLY if partial else ALLOWED
                cells.append(Cell(c, r, state, editable=state != EXCLUDED and not fixed, fixed=fixed and state != EXCLUDED,
                                  conditional=conditional, denied_purposes=partial, recipient_name=recipient.name))
        rows.append((data_class, cells))
    return Grid(policy=policy, purpose=selected, rows=rows, denied=denied)


def proposed_narrowings(*, grid: Grid, allowed_keys: set[tuple[int, int]]) -> set[Denial]:
    """The narrowings after a grid form: in the grid's scope, every editable cell left
    unticked is denied, every ticked one is not; narrowings outside the scope stay."""
    scope = grid.purpose.code if grid.purpose is not None else None
    editable = grid.editable_keys
    result = {d for d in grid.denied if not (d[2] == scope and (d[0], d[1]) in editable)}
    for key in editable - allowed_keys:
        result.add((key[0], key[1], scope))
    return normalise(result)


def describe_changes(*, before: set[Denial], after: set[Denial], policy: PolicyView) -> dict[str, list[Any]]:
    """Human sentences for what a change does: "denied" and "allowed again" lines."""

    def line(item: Denial) -> str:
        c, r, p = item
        values = {"data_class": policy.class_names.get(c, str(c)), "recipient": policy.recipient_names.get(r, str(r))}
        if p is None:
            return _("%(data_class)s to %(recipient)s, for every purpose") % values
        return _("%(data_class)s to %(recipient)s, for the purpose: %(purpose)s") % {
            **values, "purpose": policy.purpose_names.get(p, str(p))}

    every_after = {(c, r) for c, r, p in after if p is None}
    # A per-purpose denial absorbed by a denial for every purpose is not "allowed again".
    allowed_again = [d for d in before - after if d[2] is None or (d[0], d[1]) not in every_after]
    newly_denied = sorted(after - before, key=denial_key)
    return {
        "denied": [line(d) for d in newly_denied],
        "allowed": [line(d) for d in sorted(allowed_again, key=denial_key)],
        # What each new denial stops, in the portal's own terms (the consequence).
        "denied_effects": [(line(d), denial_consequences(d, policy=policy)) for d in newly_denied],
    }


# What the portal does with each (purpose, recipient) and which classes it uses there:
# the features a denial stops. (purposes or None for "any of them", recipients, classes, text)
_FEATURES = (
    ((PURPOSE_ONCE_ONLY,), (SME_AGENCY,),
     {IDENTITY, JOINT_APPLICANTS, BUSINESS, CONTACT_PERSON, FINANCIALS, BUSINESS_PLAN, APPLICATION_CONTENT, PROGRAM_USAGE},
     gettext_lazy("Pre-fill of %(data_class)s into your applications stops; you will type it yourself.")),
    ((PURPOSE_SUPPORT_INFORMATION,), (METI, SME_AGENCY, IAA), {IDENTITY, FINANCIALS, PROGRAM_USAGE, CHALLENGES},
     gettext_lazy("Recommendations of programmes and case studies no longer use your %(data_class)s.")),
    ((PURPOSE_SUPPORT_INFORMATION,), (METI, SME_AGENCY, IAA), {FINANCIALS},
     gettext_lazy("Your business leaves the local financial benchmarks of similar businesses.")),
    ((PURPOSE_CONSULTATION,), (SUPPORT_INSTITUTIONS,), set(ALL_DATA_CLASSES),
     gettext_lazy("Support institutions no longer see your %(data_class)s, even under a request you approved.")),
    ((PURPOSE_EBPM,), (RESEARCHERS,), {IDENTITY, FINANCIALS, REVIEW, PROGRAM_USAGE},
     gettext_lazy("Approved researchers' extracts leave out your %(data_class)s.")),
    ((PURPOSE_EBPM,), (RESEARCHERS,), {IDENTITY},
     gettext_lazy("Your business has no rows in research extracts at all.")),
    ((PURPOSE_EBPM,), (METI, SME_AGENCY, IAA), {IDENTITY, FINANCIALS, REVIEW, PROGRAM_USAGE},
     gettext_lazy("Policy evaluations (EBPM) of the SME Agency leave your business out.")),
    ((PURPOSE_SHARING,), (SME_AGENCY,), {IDENTITY, PROGRAM_USAGE},
     gettext_lazy("The SME Agency's dashboards no longer count your applications.")),
    ((PURPOSE_SHARING,), (SME_AGENCY,), {APPLICATION_CONTENT},
     gettext_lazy("SME Agency staff can no longer review your applications on the portal.")),
    ((PURPOSE_SHARING,), (SME_AGENCY,), set(ALL_DATA_CLASSES) - {APPLICATION_CONTENT},
     gettext_lazy("SME Agency staff no longer see your %(data_class)s when they handle your applications.")),
    ((PURPOSE_OPEN_DATA,), (PUBLIC,), {IDENTITY, PROGRAM_USAGE},
     gettext_lazy("Your adopted subsidies are no longer published as open data.")),
    ((PURPOSE_TRACK_RECORD, PURPOSE_MATCHING), (SUPPORT_INSTITUTIONS, SMES), {SUPPORT_INSTITUTION, SUPPORT_RECORD},
     gettext_lazy("Support institutions' track records no longer count your support records.")),
)


def denial_consequences(item: Denial, *, policy: PolicyView) -> list[str]:
    """Sentences naming what a denial (class, recipient, purpose or every purpose) stops."""
    data_class, recipient, purpose = item
    name = policy.class_names.get(data_class, str(data_class))
    lines = [
        str(text) % {"data_class": name} if "%(data_class)s" in str(text) else str(text)
        for purposes, recipients, classes, text in _FEATURES
        if (purpose is None or purpose in purposes) and recipient in recipients and data_class in classes
    ]
    if not lines:
        lines.append(_("%(recipient)s no longer receives your %(data_class)s for this use.")
                     % {"recipient": policy.recipient_names.get(recipient, str(recipient)), "data_class": name})
    return lines


# --- history ----------------------------------------------------------------------------


def consent_history(*, business: Business) -> QuerySet[ConsentChange]:
    return ConsentChange.objects.filter(business_id=business.pk).select_related("actor", "policy").order_by("-at", "-id")


@dataclass
class ConsentAsOf:
    at: dt.datetime
    denied: set[Denial]
    policy: PolicyVersion | None  # the version shown when the choice in force was made
    change: ConsentChange | None  # None: no change yet, the policy table as it stands
    lines: list[str] = field(default_factory=list)  # the denials in words (the history page fills them)


def consent_as_of(business: Business, at: dt.datetime | dt.date) -> ConsentAsOf:
    """What the business had allowed at a moment (a date means the end of that day, in
    the portal's time zone), and which policy text was shown when it chose."""
    if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
        at = timezone.make_aware(dt.datetime.combine(at, dt.time.max))
    change = (
        ConsentChange.objects.filter(business_id=business.pk, at__lte=at).select_related("policy", "actor").order_by("-at", "-id").first()
    )
    if change is None:
        on = timezone.localtime(at).date()
        policy = PolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()
        return ConsentAsOf(at=at, denied=set(), policy=policy, change=None)
    return ConsentAsOf(at=at, denied=denials_from_dicts(change.after), policy=change.policy, change=change)


# --- the receipt ------------------------------------------------------------------------


def business_identifier(business: Business) -> dict[str, str]:
    if business.corporate_number:
        return {"corporate_number": business.corporate_number}
    return {"gbizid_management_number": business.gbizid_management_number or ""}


def canonical_json(document: dict[str, Any]) -> bytes:
    """The bytes the receipt's digest is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def receipt_document(*, business: Business, issued_at: dt.datetime) -> dict[str, Any]:
    """The consent receipt's content (what the digest covers)."""
    version = current_policy_version(timezone.localtime(issued_at).date())
    denied = narrowings_of(business)
    grants = effective_grants(business, denied=denied)
    last_change = ConsentChange.objects.filter(business_id=business.pk).order_by("-at", "-id").first()
    return {
        "receipt_type": "mirasapo.consent-receipt/1",
        "issued_at": timezone.localtime(issued_at).isoformat(),
        "policy": {"version": version.version, "title": version.title, "effective_from": version.effective_from.isoformat()},
        "business": {"name": business.name, **business_identifier(business)},
        "denied": denial_dicts(denied),
        "last_changed_at": timezone.localtime(last_change.at).isoformat() if last_change else None,
        "grants": grants["grants"],
    }
