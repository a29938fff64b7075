"""Pages of the vault: the list with the upload form, one document, the file itself, and
the attach/detach/upload actions of an application's documents panel."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from applications.selectors import application_for_applicant_or_404
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors

from . import selectors, services
from .forms import AttachForm, UploadForm
from .kinds import DocumentType

PAGE_SIZE = 50


def _upload_form(data=None, files=None) -> UploadForm:
    return UploadForm(data, files, limit_mb=services.megabytes(settings.DOCUMENT_MAX_FILE_BYTES))


def _upload(request, form: UploadForm, *, attach_to: int | None = None):
    """Run the upload service for a bound form; the result, or None with errors on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.document_upload(actor=request.user, uploaded_file=data.get("file"), document_type=data["document_type"],
                                        issued_on=data.get("issued_on"), valid_until=data.get("valid_until"), attach_to=attach_to)
    except ApplicationError as exc:
        add_errors_to_form(form, exc.errors)
        return None


def _announce(request, result) -> None:
    if result.created:
        messages.success(request, _("The document was stored. Its SHA-256 receipt: %(sha256)s") % {"sha256": result.document.sha256})
    else:
        messages.info(request, _("This file is already in your vault (the same content): the existing document is used. SHA-256: %(sha256)s")
                      % {"sha256": result.document.sha256})


@role_required("business")
def vault(request):
    filters = {"document_type": request.GET.get("document_type") or ""}
    documents = selectors.document_list(viewer=request.user, filters=filters)
    form = _upload_form(request.POST or None, request.FILES or None) if request.method == "POST" else _upload_form()
    if request.method == "POST":
        if not services.may_upload(request.user):
            raise PermissionDenied
        result = _upload(request, form)
        if result is not None:
            _announce(request, result)
            return redirect("documents:detail", pk=result.document.pk)
        messages.error(request, _("The file was not stored. Please correct the errors below."))
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/vault.html", {
        "page": page, "form": form, "may_upload": services.may_upload(request.user), "filters": filters,
        "types": DocumentType.choices, "crumbs": [(_("Document vault"), None)],
    }, status=400 if request.method == "POST" else 200)


@role_required("business")
def detail(request, pk: int):
    document = selectors.document_for_owner_or_404(viewer=request.user, document_id=pk)
    return render(request, "documents/detail.html", {
        "document": document, "attachments": selectors.document_applications(document=document),
        "crumbs": [(_("Document vault"), reverse("documents:vault")), (document.name, None)],
    })


@login_required
def file(request, pk: int):
    """The file, for whoever the consent decision allows; never a public URL."""
    document = services.document_read(viewer=request.user, document_id=pk, channel="page")
    return file_response(document)


def file_response(document) -> FileResponse:
    response = FileResponse(document.open_file(), as_attachment=True, filename=document.name,
                            content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _own_application(request, pk: int):
    if not services.may_upload(request.user):
        raise Http404
    return application_for_applicant_or_404(viewer=request.user, application_id=pk)


@role_required("business")
@require_POST
def application_upload(request, pk: int):
    application = _own_application(request, pk)
    form = _upload_form(request.POST, request.FILES)
    result = _upload(request, form, attach_to=application.pk)
    if result is None:
        flash_errors(request, form.errors)
    else:
        _announce(request, result)
    return redirect(f"{application_detail_url(application.pk)}#documents")


@role_required("business")
@require_POST
def application_attach(request, pk: int):
    application = _own_application(request, pk)
    form = AttachForm(request.POST, documents=selectors.document_list(viewer=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a document."))
    else:
        try:
            attached = services.document_attach(actor=request.user, application_id=application.pk, document_id=form.cleaned_data["document"])
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("The document was attached.") if attached else _("This document is already attached."))
    return redirect(f"{application_detail_url(application.pk)}#documents")


@role_required("business")
@require_POST
def application_detach(request, pk: int, document_id: int):
    application = _own_application(request, pk)
    try:
        services.document_detach(actor=request.user, application_id=application.pk, document_id=document_id)
    except ApplicationError as exc:
        flash_errors(request, exc.errors)
    else:
        messages.success(request, _("The document was removed from the application. It stays in your vault."))
    return redirect(f"{application_detail_url(application.pk)}#documents")


def application_detail_url(pk: int) -> str:
    return reverse("applications:detail", args=[pk])
