"""Writes of analytics: research pledges and their decisions, the extract log, EBPM runs.

The researcher's pledge status that the consent decision reads (accounts.ResearcherProfile)
is written only through accounts.services.researcher_pledge_set_status, which writes the
PLEDGE_DECIDED audit row; each function here calls it inside its own transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ResearcherProfile, User
from accounts.services import researcher_pledge_set_status
from consent.access import PURPOSE_EBPM, RESEARCHERS, policy_table
from core.audit import audit_extract_downloaded
from core.errors import ApplicationError
from core.transitions import transition
from notifications.services import mail_enqueue

from .ebpm import EbpmParams
from .models import EbpmAnalysis, ExtractDownload, ResearchPledge
from .tasks import compute_ebpm_analysis
from .transitions import PLEDGE

MAX_APPROVAL_DAYS = 3 * 366

PROFILE_STATUS: dict[str, str] = {
    ResearchPledge.Status.PENDING: ResearcherProfile.PledgeStatus.PENDING,
    ResearchPledge.Status.APPROVED: ResearcherProfile.PledgeStatus.APPROVED,
    ResearchPledge.Status.REJECTED: ResearcherProfile.PledgeStatus.REJECTED,
    ResearchPledge.Status.WITHDRAWN: ResearcherProfile.PledgeStatus.WITHDRAWN,
}


def _require_agency(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_agency_staff):
        raise ApplicationError(_("Only SME Agency staff may decide research pledges."))


@transaction.atomic(durable=True)
def pledge_submit(*, actor: User, affiliation: str, research_purpose: str, research_record: str,
                  information_management: str, accepted_terms: bool) -> ResearchPledge:
    """A researcher submits the EBPM pledge; it waits for the agency's decision."""
    if not actor.is_researcher:
        raise ApplicationError(_("Register as a researcher first."))
    errors: dict[str, list[str]] = {}
    for name, value in (("affiliation", affiliation), ("research_purpose", research_purpose),
                        ("research_record", research_record), ("information_management", information_management)):
        if not (value or "").strip():
            errors[name] = [_("This item is required.")]
    if not accepted_terms:
        errors["accepted_terms"] = [_("You must accept the pledge to submit it.")]
    if errors:
        raise ApplicationError(errors=errors)
    profile = ResearcherProfile.objects.select_for_update().filter(user=actor).first()
    if profile is None:
        raise ApplicationError(_("Register as a researcher first."))
    if ResearchPledge.objects.filter(researcher=actor, status=ResearchPledge.Status.PENDING).exists():
        raise ApplicationError(_("Your pledge is already awaiting review."))
    if profile.pledge_status == ResearcherProfile.PledgeStatus.APPROVED and profile.approved_until and profile.approved_until >= timezone.localdate():
        raise ApplicationError(_("Your pledge is already approved."))
    pledge = ResearchPledge.objects.create(
        researcher=actor, affiliation=affiliation.strip(), research_purpose=research_purpose.strip(),
        research_record=research_record.strip(), information_management=information_management.strip(), accepted_terms=True,
    )
    researcher_pledge_set_status(actor=actor, profile=profile, status=ResearcherProfile.PledgeStatus.PENDING, approved_until=None)
    return pledge


def _set_status(*, actor: User, pledge: ResearchPledge, status: str, approved_until: dt.date | None, note: str) -> ResearchPledge:
    pledge = ResearchPledge.objects.select_for_update().get(pk=pledge.pk)
    if not PLEDGE.allows(pledge.status, status):
        raise ApplicationError(_("This pledge can no longer be changed that way."))
    pledge.approved_until = approved_until if status == ResearchPledge.Status.APPROVED else pledge.approved_until
    pledge.decided_by = actor
    pledge.decided_at = timezone.now()
    pledge.decision_note = note.strip()
    transition(pledge, to=status, by=actor, reason=pledge.decision_note,
               fields=["approved_until", "decided_by", "decided_at", "decision_note"])
    profile = ResearcherProfile.objects.get(user_id=pledge.researcher_id)
    researcher_pledge_set_status(actor=actor, profile=profile, status=PROFILE_STATUS[status],
                                 approved_until=approved_until if status == ResearchPledge.Status.APPROVED else None)
    mail_enqueue(
        to_user=pledge.researcher, template="analytics_pledge_decided",
        context={"status": status, "approved_until": approved_until.isoformat() if approved_until else "", "note": pledge.decision_note},
        idempotency_key=f"pledge-{pledge.pk}-{status}", category="research",
    )
    return pledge


@transaction.atomic(durable=True)
def pledge_decide(*, actor: User, pledge: ResearchPledge, decision: str, approved_until: dt.date | None = None,
                  note: str = "") -> ResearchPledge:
    """Agency staff approve (until a date) or reject a pending pledge."""
    _require_agency(actor)
    if decision == "approve":
        today = timezone.localdate()
        if approved_until is None or approved_until <= today:
            raise ApplicationError(errors={"approved_until": [_("Choose an expiry date after today.")]})
        if approved_until > today + dt.timedelta(days=MAX_APPROVAL_DAYS):
            raise ApplicationError(errors={"approved_until": [_("An approval may last at most three years.")]})
        return _set_status(actor=actor, pledge=pledge, status=ResearchPledge.Status.APPROVED, approved_until=approved_until, note=note)
    if decision == "reject":
        if not note.strip():
            raise ApplicationError(errors={"note": [_("Please give the reason for the rejection.")]})
        return _set_status(actor=actor, pledge=pledge, status=ResearchPledge.Status.REJECTED, approved_until=None, note=note)
    raise ApplicationError(errors={"decision": [_("Choose approve or reject.")]})


@transaction.atomic(durable=True)
def pledge_withdraw(*, actor: User, pledge: ResearchPledge, note: str = "") -> ResearchPledge:
    """Agency staff withdraw an approval (or a pending pledge); the researcher may withdraw
    their own. Takes effect at once: the next extract request is refused."""
    own = pledge.researcher_id == actor.pk
    if not own:
        _require_agency(actor)
    return _set_status(actor=actor, pledge=pledge, status=ResearchPledge.Status.WITHDRAWN, approved_until=None, note=note)


# --- extracts ---------------------------------------------------------------------------


@transaction.atomic
def extract_download_start(*, user: User, filters: dict) -> ExtractDownload:
    """Logged before the first byte (who, when, which filters), so that an interrupted
    download is on record too."""
    return ExtractDownload.objects.create(user=user, filters=filters, policy_version=policy_table().version)


@transaction.atomic
def extract_download_finish(*, download_id: int, row_count: int, sha256: str) -> ExtractDownload:
    """After the last byte, in its own transaction: count, digest and the audit row."""
    download = ExtractDownload.objects.select_for_update().get(pk=download_id)
    download.row_count = row_count
    download.sha256 = sha256
    download.finished_at = timezone.now()
    download.completed = True
    download.save(update_fields=["row_count", "sha256", "finished_at", "completed"])
    audit_extract_downloaded(actor=download.user, download=download, policy_version=download.policy_version,
                             filters=download.filters, rows=row_count, sha256=sha256, purpose=PURPOSE_EBPM,
                             recipient=RESEARCHERS)
    return download


# --- EBPM -------------------------------------------------------------------------------


@transaction.atomic
def ebpm_analysis_request(*, actor: User, params: EbpmParams, title: str = "") -> EbpmAnalysis:
    """Store an evaluation to run (PENDING) and enqueue its computation once committed.
    The fit runs in a worker, never in the request (analytics.tasks.compute_ebpm_analysis);
    a lost enqueue is re-sent by the beat job (analytics.tasks.requeue_ebpm_analyses)."""
    if not (actor.is_authenticated and actor.is_agency_staff):
        raise ApplicationError(_("Only SME Agency staff may run evaluations."))
    problems = params.validate()
    if problems:
        raise ApplicationError(errors={name: [_("This value is not valid.")] for name in problems})
    title = title.strip() or _("Evaluation of %(program)s, FY%(first)s–%(last)s") % {
        "program": params.program or _("all subsidies"), "first": min(params.cohort_years), "last": max(params.cohort_years),
    }
    analysis = EbpmAnalysis.objects.create(title=title[:200], params=params.as_dict(), created_by=actor,
                                           policy_version=policy_table().version)
    compute_ebpm_analysis.delay_on_commit(analysis.pk)
    return analysis
