"""Demo 様式4 request: owner@'s open 持続化 draft asks 仙台商工会 (advisor@) for its 様式4,
approving the disclosure in the same step; advisor@ takes it up and comments. Made
through the real services (disclosure request, grant, audit rows)."""

from __future__ import annotations

from core.demo import DemoContext

from .services import (
    REQUESTED_CLASSES,
    default_valid_until,
    support_plan_comment,
    support_plan_request_create,
    support_plan_take_up,
)


def seed(ctx: DemoContext) -> None:
    from applications.models import Application

    owner = ctx.users.get("owner@demo.mirasapo.jp")
    advisor = ctx.users.get("advisor@shokokai.demo.mirasapo.jp")
    if owner is None or advisor is None:
        return
    draft = (Application.objects.filter(business_id=ctx.owner_business_id, program="jizokuka_general", status="draft")
             .order_by("-id").first())
    if draft is None:
        return
    request = support_plan_request_create(
        actor=owner, application_id=draft.pk, institution_id=advisor.institution_id, data_classes=list(REQUESTED_CLASSES),
        valid_until=default_valid_until(), message="持続化補助金の申請にあたり、様式4（事業支援計画書）の発行をお願いいたします。",
    )
    support_plan_take_up(actor=advisor, request_id=request.pk)
    support_plan_comment(actor=advisor, request_id=request.pk,
                         body="補助事業計画の「販路開拓等の取組内容」に、対象とする顧客層と数値目標を書き足してください。")
    ctx.say("  1 form 4 request (commented by advisor@)")
