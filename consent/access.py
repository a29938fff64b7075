"""The one place that answers "may recipient R use data class C of business B for purpose P?".

Reasoning, in the order `ConsentContext.decide` applies it (deny unless allowed):

1. The policy table in force (consent.models.Purpose): purpose P must list both C and R.
   Nothing a business or a caller does can widen it.
2. The conditions of the table (policy-matrix.json "conditions"):
   - data that came from a procedure (経営力向上計画・事業継続力強化計画・経営革新計画) whose
     applicant did not tick the data-use consent serves purpose 3 (the applicant's own
     records) only;
   - recipient 4 only for a researcher whose EBPM pledge is approved and in force;
   - recipient 5 only through an approved disclosure request in force (InstitutionGrant)
     for this institution, this purpose and this class;
   - recipient 7 is the business itself: the viewer must belong to it.
   Field-level limits (※4/※5/※6 items) are in consent.registry; callers select only those.
3. The business's narrowings: a denial of (C, R) for every purpose or for purpose P.

Narrowings and grants are read fresh for every ConsentContext (one per request or job),
never cached across requests, so a revocation takes effect on the very next read. The
policy table itself is immutable per version and cached by version.

The set-based form (`businesses_allowing`) applies the same rules in SQL for lists and
extracts. Other apps use only this module (and consent.services for writes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import InstitutionGrant, Narrowing, PolicyVersion, Purpose

METI, SME_AGENCY, IAA, RESEARCHERS, SUPPORT_INSTITUTIONS, SMES, APPLICANT, PUBLIC = range(1, 9)
PURPOSE_EBPM, PURPOSE_SHARING, PURPOSE_APPLICANT_RECORDS, PURPOSE_ONCE_ONLY = 1, 2, 3, 4
PURPOSE_SUPPORT_INFORMATION, PURPOSE_CONSULTATION, PURPOSE_TRACK_RECORD = 5, 6, 7
PURPOSE_MATCHING, PURPOSE_OPEN_DATA = 8, 9
ALL_PURPOSES = tuple(range(1, 10))
ALL_RECIPIENTS = tuple(range(1, 9))
ALL_DATA_CLASSES = tuple(range(1, 14))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    policy_version: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Origin:
    """Where the data item came from, where it matters to the rules."""

    procedure: bool = False
    procedure_opted_in: bool = False


@dataclass(frozen=True)
class PolicyTable:
    version: str
    # purpose code → (frozenset of classes, frozenset of recipients)
    purposes: dict[int, tuple[frozenset[int], frozenset[int]]]

    def allows(self, purpose: int, data_class: int, recipient: int) -> bool:
        entry = self.purposes.get(purpose)
        return entry is not None and data_class in entry[0] and recipient in entry[1]


class NoPolicyInForce(RuntimeError):
    pass


def current_policy_version(on: dt.date | None = None) -> PolicyVersion:
    today = on or timezone.localdate()
    version = PolicyVersion.objects.filter(effective_from__lte=today).order_by("-effective_from", "-id").first()
    if version is None:
        raise NoPolicyInForce("No data-utilisation policy is in force.")
    return version


@lru_cache(maxsize=16)
def _policy_table(version_id: int, version: str) -> PolicyTable:
    purposes = {
        p.code: (frozenset(p.data_classes), frozenset(p.recipients))
        for p in Purpose.objects.filter(policy_id=version_id)
    }
    return PolicyTable(version=version, purposes=purposes)


def policy_table(on: dt.date | None = None) -> PolicyTable:
    version = current_policy_version(on)
    return _policy_table(version.pk, version.version)


def recipient_for(user, business_id: int | None = None) -> int | None:
    """The policy recipient a user acts as, with respect to a business."""
    if user is None or not getattr(user, "is_authenticated", False):
        return PUBLIC
    if user.is_agency_staff:
        return SME_AGENCY
    if user.is_researcher:
        return RESEARCHERS
    if user.is_institution_staff:
        return SUPPORT_INSTITUTIONS
    membership = user.membership_or_none
    if membership is not None:
        return APPLICANT if business_id is not None and membership.business_id == business_id else SMES
    return None


class ConsentContext:
    """Narrowings and grants of some businesses, loaded once, then decided in memory.

    Build one per request (or per job batch); never keep one across requests.
    """

    def __init__(self, business_ids: Iterable[int], *, on: dt.date | None = None, institution_id: int | None = None):
        self.today = on or timezone.localdate()
        self.table = policy_table(self.today)
        self.business_ids = set(business_ids)
        self.institution_id = institution_id
        self._denied: dict[int, set[tuple[int, int, int | None]]] = {b: set() for b in self.business_ids}
        for business_id, data_class, recipient, purpose in Narrowing.objects.filter(
            business_id__in=self.business_ids
        ).values_list("business_id", "data_class", "recipient", "purpose"):
            self._denied[business_id].add((data_class, recipient, purpose))
        self._grants: dict[tuple[int, int], list[tuple[int, frozenset[int]]]] = {}
        if institution_id is not None:
            for grant in InstitutionGrant.objects.filter(
                business_id__in=self.business_ids, institution_id=institution_id, revoked_at__isnull=True,
                valid_from__lte=self.today, valid_until__gte=self.today,
            ).only("business_id", "institution_id", "purpose", "data_classes"):
                self._grants.setdefault((grant.business_id, grant.institution_id), []).append(
                    (grant.purpose, frozenset(grant.data_classes))
                )

    def _deny(self, reason: str) -> Decision:
        return Decision(False, reason, self.table.version)

    def decide(
        self,
        business_id: int,
        *,
        purpose: int,
        data_class: int,
        recipient: int,
        viewer=None,
        origin: Origin | None = None,
    ) -> Decision:
        if business_id not in self.business_ids:
            raise ValueError("This ConsentContext was not loaded for that business.")
        if not self.table.allows(purpose, data_class, recipient):
            return self._deny(_("The data-utilisation policy does not allow this use."))
        if origin is not None and origin.procedure and not origin.procedure_opted_in and purpose != PURPOSE_APPLICANT_RECORDS:
            return self._deny(_("The applicant did not consent to data use on this procedure's checklist."))
        if recipient == RESEARCHERS:
            from accounts.models import researcher_is_approved

            if viewer is None or not researcher_is_approved(viewer, on=self.today):
                return self._deny(_("Only researchers whose EBPM pledge is approved may receive this data."))
        if recipient == SUPPORT_INSTITUTIONS:
            institution_id = getattr(viewer, "institution_id", None) if viewer is not None else self.institution_id
            if institution_id is None or institution_id != self.institution_id:
                return self._deny(_("A support institution sees a company's data only after the company approves its request."))
            grants = self._grants.get((business_id, institution_id), [])
            if not any(p == purpose and data_class in classes for p, classes in grants):
                return self._deny(_("No approved disclosure request in force covers this data."))
        if recipient == APPLICANT and viewer is not None:
            membership = viewer.membership_or_none if getattr(viewer, "is_authenticated", False) else None
            if membership is None or membership.business_id != business_id:
                return self._deny(_("Only the business itself may see its own records."))
        denied = self._denied.get(business_id, set())
        if (data_class, recipient, None) in denied or (data_class, recipient, purpose) in denied:
            return self._deny(_("The business has denied this use in its consent settings."))
        return Decision(True, _("Allowed by the policy and the business's consent."), self.table.version)

    def allowed_classes(self, business_id: int, *, purpose: int, recipient: int, viewer=None, origin: Origin | None = None) -> list[int]:
        return [
            c for c in ALL_DATA_CLASSES
            if self.decide(business_id, purpose=purpose, data_class=c, recipient=recipient, viewer=viewer, origin=origin).allowed
        ]


def decide(*, business_id: int, purpose: int, data_class: int, recipient: int, viewer=None,
           origin: Origin | None = None, institution_id: int | None = None) -> Decision:
    """A single decision (loads what it needs; use ConsentContext for many)."""
    if recipient == SUPPORT_INSTITUTIONS and institution_id is None and viewer is not None:
        institution_id = getattr(viewer, "institution_id", None)
    context = ConsentContext([business_id], institution_id=institution_id)
    return context.decide(business_id, purpose=purpose, data_class=data_class, recipient=recipient, viewer=viewer, origin=origin)


class ConsentDenied(Http404):
    """Raised by require(): a 404, so that a refused caller learns nothing of existence."""


def require(**kwargs) -> Decision:
    decision = decide(**kwargs)
    if not decision.allowed:
        raise ConsentDenied(decision.reason)
    return decision


def businesses_allowing(
    queryset: QuerySet,
    *,
    purpose: int,
    data_class: int,
    recipient: int,
    institution_id: int | None = None,
    business_field: str = "pk",
    on: dt.date | None = None,
) -> QuerySet:
    """Filter any queryset (of businesses, or of rows with a business FK named by
    `business_field`) to those whose data of class C recipient R may use for purpose P.

    Per-viewer conditions that do not depend on the business (an approved researcher)
    are the caller's to check with `require_researcher`; this applies the table, the
    institution grants and the narrowings in one anti-join.
    """
    today = on or timezone.localdate()
    table = policy_table(today)
    if not table.allows(purpose, data_class, recipient):
        return queryset.none()
    outer = OuterRef(business_field)
    denied = Narrowing.objects.filter(business_id=outer, data_class=data_class, recipient=recipient).filter(
        Q(purpose__isnull=True) | Q(purpose=purpose)
    )
    queryset = queryset.filter(~Exists(denied))
    if recipient == SUPPORT_INSTITUTIONS:
        if institution_id is None:
            return queryset.none()
        granted = InstitutionGrant.objects.filter(
            business_id=outer, institution_id=institution_id, purpose=purpose, data_classes__contains=[data_class],
            revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today,
        )
        queryset = queryset.filter(Exists(granted))
    return queryset


def procedure_rule_q(*, purpose: int, procedure_field: str = "is_procedure", opt_in_field: str = "data_use_consent") -> Q:
    """Rows of applications usable for `purpose`: procedure data without the opt-in serves
    purpose 3 only. Applications (and extracts of them) filter with this Q."""
    if purpose == PURPOSE_APPLICANT_RECORDS:
        return Q()
    return Q(**{procedure_field: False}) | Q(**{opt_in_field: True})


def require_researcher(user) -> None:
    """Recipient 4's per-viewer condition, for set-based extracts: 403 otherwise."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import researcher_is_approved

    if not (getattr(user, "is_authenticated", False) and user.is_researcher and researcher_is_approved(user)):
        raise PermissionDenied(_("Only researchers whose EBPM pledge is approved may download extracts."))


def businesses_not_denying(
    queryset: QuerySet, *, purpose: int, data_class: int, recipient: int, business_field: str = "pk"
) -> QuerySet:
    """The narrowing part of `businesses_allowing` alone: rows whose business has not
    denied (C, R) for every purpose or for P. For anonymised listings (prefecture,
    industry, size band; no name, no number) that need no grant but must still leave
    out a business that refused recipient R its class-C data."""
    denied = Narrowing.objects.filter(
        business_id=OuterRef(business_field), data_class=data_class, recipient=recipient
    ).filter(Q(purpose__isnull=True) | Q(purpose=purpose))
    return queryset.filter(~Exists(denied))
