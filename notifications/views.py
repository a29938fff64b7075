from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .forms import MailPreferenceForm
from .links import ALL_OPTIONAL, read_unsubscribe_token
from .models import Category
from .notice_kinds import notice_label
from .selectors import notices_of
from .services import (
    mail_preference_of,
    mail_preference_update,
    mail_unsubscribe,
    notices_mark_read,
)


@login_required
def preferences(request):
    """Which optional mail the signed-in user receives."""
    current = mail_preference_of(request.user)
    if request.method == "POST":
        form = MailPreferenceForm(request.POST)
        if form.is_valid():
            mail_preference_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your mail settings were saved."))
            return redirect("notifications:preferences")
    else:
        form = MailPreferenceForm(initial={c: getattr(current, c) for c in Category.values})
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def notices(request):
    """お知らせ: the signed-in user's notices, newest first; unread ones are marked until
    the user marks them read."""
    if request.method == "POST":
        notices_mark_read(user=request.user)
        messages.success(request, _("All notices are marked as read."))
        return redirect("notifications:notices")
    page = Paginator(notices_of(user=request.user), 30).get_page(request.GET.get("page"))
    rows = [{"label": notice_label(n.kind), "url": n.url, "at": n.created_at, "unread": n.read_at is None} for n in page]
    return render(request, "notifications/notices.html", {"page": page, "rows": rows,
                                                          "unread": any(r["unread"] for r in rows)})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session; the signed token is the credential
def unsubscribe(request, token: str):
    """One-click unsubscribe from a mail link, without signing in.

    GET shows what will stop and a single button (link scanners must not unsubscribe
    anyone); POST — the button, or a mail client's List-Unsubscribe-Post — does it."""
    try:
        _user_id, category = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = _("all optional mail") if category == ALL_OPTIONAL else str(Category(category).label)
    if request.method == "POST":
        try:
            mail_unsubscribe(token=token)
        except signing.BadSignature:  # e.g. the account was deleted since the mail was sent
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
