"""What each kind of notice (お知らせ) says, by its `kind` (the apps that post them name it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NOTICE_KINDS = {
    "award_granted": _("Your grant was decided (交付決定)."),
    "award_change_decided": _("Your plan change was decided."),
    "award_confirmed": _("The amount of your subsidy was confirmed (確定)."),
    "award_paid": _("Your subsidy was paid."),
    "award_reminder_report": _("Reminder: the performance report (実績報告) is due soon."),
    "award_reminder_claim": _("Reminder: the payment claim (精算払請求) is due soon."),
    "award_reminder_profit": _("Reminder: the profit report (収益状況報告) is due soon."),
}


def notice_label(kind: str) -> str:
    return str(NOTICE_KINDS.get(kind, _("Notice")))
