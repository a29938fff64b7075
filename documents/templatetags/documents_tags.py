"""The documents panel of an application page: what its program requires, what is
attached, what is missing, and (while the applicant may still change it) the forms to
attach from the vault or upload and attach in one step. The application page includes
it with `{% application_documents_panel application %}`, so applications need not import
this app."""

from __future__ import annotations

from django import template
from django.conf import settings

from .. import selectors, services
from ..forms import AttachForm, UploadForm

register = template.Library()


@register.inclusion_tag("documents/_application_panel.html", takes_context=True)
def application_documents_panel(context, application):
    request = context["request"]
    owner = getattr(request.user, "is_business_user", False)
    readable = None if owner else (lambda document: services.document_readable(viewer=request.user, document=document))
    status = selectors.application_documents(application=application, readable=readable)
    editable = application.status in services.ATTACHABLE_STATUSES and services.may_upload(request.user)
    attached_ids = {a.document_id for a in status.attachments}
    vault = [d for d in selectors.document_list(viewer=request.user) if d.pk not in attached_ids] if editable else []
    return {
        "application": application, "status": status, "editable": editable, "request": request,
        "attach_form": AttachForm(documents=vault) if vault else None,
        "upload_form": UploadForm(limit_mb=services.megabytes(settings.DOCUMENT_MAX_FILE_BYTES), auto_id="doc_%s") if editable else None,
        "application_limit_mb": services.megabytes(settings.DOCUMENT_MAX_APPLICATION_BYTES),
        "csrf_token": context.get("csrf_token"),
        # The business sees its vault's pages; a reviewer gets the file itself (decided and audited).
        "owner": owner,
    }
