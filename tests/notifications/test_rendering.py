"""Rendering mail: the optional HTML body may be absent, but an error inside a template
that exists is raised (and so recorded and retried by the task), never swallowed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.test import override_settings

from notifications.models import OutboxMessage
from notifications.rendering import render_message


def _templates(tmp_path, files: dict[str, str]):
    folder = tmp_path / "notifications" / "email"
    folder.mkdir(parents=True)
    for name, body in files.items():
        (folder / name).write_text(body, encoding="utf-8")
    engine = {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    return override_settings(TEMPLATES=[engine])


def _message(template: str) -> OutboxMessage:
    return OutboxMessage(idempotency_key="k", to_email="a@example.jp", template=template, context={"name": "山田"}, language="ja")


def test_text_only_mail_has_no_html(tmp_path):
    with _templates(tmp_path, {"plain_subject.txt": "件名 {{ name }}", "plain.txt": "本文 {{ name }}"}):
        assert render_message(_message("plain")) == ("件名 山田", "本文 山田", "")


def test_an_error_in_the_html_body_is_raised(tmp_path):
    with _templates(tmp_path, {"broken_subject.txt": "件名", "broken.txt": "本文", "broken.html": "<p>{% if %}</p>"}):
        with pytest.raises(TemplateSyntaxError):
            render_message(_message("broken"))


def test_a_missing_include_in_the_html_body_is_raised(tmp_path):
    with _templates(tmp_path, {"inc_subject.txt": "件名", "inc.txt": "本文", "inc.html": "{% include 'nowhere.html' %}"}):
        with pytest.raises(TemplateDoesNotExist):
            render_message(_message("inc"))


@pytest.mark.django_db
def test_the_task_records_a_template_error_as_a_failed_attempt(tmp_path):
    from django.db import transaction

    from notifications.models import DeliveryAttempt
    from notifications.tasks import _deliver_one

    with _templates(tmp_path, {"broken_subject.txt": "件名", "broken.txt": "本文", "broken.html": "{% if %}"}):
        with transaction.atomic():
            message = OutboxMessage.objects.create(idempotency_key="broken-1", to_email="a@example.jp", template="broken",
                                                   context={})
        outcome, countdown = _deliver_one(message.pk, worker="test")
    message.refresh_from_db()
    assert outcome == "retry" and countdown and message.status == OutboxMessage.Status.PENDING
    assert "TemplateSyntaxError" in message.last_error
    assert DeliveryAttempt.objects.filter(message=message, succeeded=False).exists()
