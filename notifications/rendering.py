"""Rendering an outbox message into an e-mail, in the recipient's language.

Subject and text templates are required; the HTML body is optional, so only its absence
(TemplateDoesNotExist for that one name) is tolerated. An error inside a template that
exists is raised, recorded on the message as a failed attempt and retried like any other
failure, so a broken template is seen, never silently sent as text only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from .links import preferences_url, unsubscribe_url
from .models import OutboxMessage


def render_message(message: OutboxMessage) -> tuple[str, str, str]:
    """(subject, text, html) of a message; html is "" when the template has no HTML body."""
    context = {**message.context, "portal_base_url": settings.PORTAL_BASE_URL}
    if message.recipient_user_id:
        context["unsubscribe_url"] = unsubscribe_url(user_id=message.recipient_user_id, category=message.category)
        context["preferences_url"] = preferences_url()
    base = f"notifications/email/{message.template}"
    with translation.override(message.language):
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
        try:
            html_template = get_template(f"{base}.html")
        except TemplateDoesNotExist as missing:
            if missing.args and missing.args[0] != f"{base}.html":
                raise  # the HTML body exists but includes or extends a template that does not
            html = ""
        else:
            html = html_template.render(context)
    return " ".join(subject.split()), text, html


def build_email(message: OutboxMessage) -> tuple[EmailMultiAlternatives, str]:
    subject, text, html = render_message(message)
    headers = {"X-Mirasapo-Message-Id": message.idempotency_key, "Message-ID": message.message_id_header}
    if message.recipient_user_id:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(user_id=message.recipient_user_id, category=message.category)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[message.to_email], headers=headers)
    if html:
        mail.attach_alternative(html, "text/html")
    return mail, subject
