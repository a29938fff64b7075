"""Building 様式4 states through the real services."""

from __future__ import annotations

from django.utils import timezone

from supportplans import services
from supportplans.models import SupportPlanRequest
from tests.factories import InstitutionFactory, institution_staff

FORM4 = {
    "advisor_name": "商工 太郎",
    "region_findings": "地域の商店街では来街者が減少しており、小規模事業者の販路開拓が課題である。",
    "plan_findings": "自社の強みである熟練の技術を活かしたネット販売の計画は具体的で、実現可能性が高い。",
    "support_content": "補助事業期間中は月1回の巡回指導を行い、完了後も売上の推移を確認して助言する。",
}


def area_institution(business, **fields):
    """A 商工会 of the business's area."""
    return InstitutionFactory(prefecture=business.prefecture, municipality=business.municipality, **fields)


def requested(prime, application, *, institution=None, classes=services.REQUESTED_CLASSES) -> SupportPlanRequest:
    institution = institution or area_institution(application.business)
    return services.support_plan_request_create(
        actor=prime, application_id=application.pk, institution_id=institution.pk, data_classes=list(classes),
        valid_until=services.default_valid_until(), message="様式4の発行をお願いします。")


def issued(prime, application, *, advisor=None) -> SupportPlanRequest:
    """An issued 様式4 for the application (asked, taken up, issued), unless it has one."""
    done = SupportPlanRequest.objects.filter(application_id=application.pk, status="issued").first()
    if done is not None:
        return done
    if advisor is None:
        advisor = institution_staff(area_institution(application.business))
    request = requested(prime, application, institution=advisor.institution)
    services.support_plan_take_up(actor=advisor, request_id=request.pk)
    return services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)


__all__ = ["FORM4", "area_institution", "requested", "issued", "timezone"]
