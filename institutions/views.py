"""支援者検索 (public) and the institution staff's own pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from companies.reference import PREFECTURES
from core.errors import ApplicationError
from core.forms import add_errors_to_form

from . import selectors, services
from .filters import InstitutionFilter
from .forms import ProfileForm, SupportRecordForm

PAGE_SIZE = 20


def search(request):
    filterset = InstitutionFilter(request.GET or None)
    page = Paginator(selectors.institution_search(filters=request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    # Each card's prefecture named here: the template looked it up by looping over all 47
    # prefectures for every card (a third of the page's time).
    cards = [(institution, PREFECTURES.get(institution.prefecture, "")) for institution in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "institutions/search.html", {
        "filter_form": filterset.form, "page": page, "cards": cards, "querystring": params.urlencode(),
    })


def detail(request, pk: int):
    institution = selectors.institution_public_get(pk=pk)
    if institution is None:
        raise Http404
    return render(request, "institutions/detail.html", {
        "institution": institution, "prefecture": PREFECTURES.get(institution.prefecture, ""),
        "track": selectors.institution_track_record(institution=institution),
    })


@role_required("institution_staff")
def profile(request):
    institution = request.user.institution
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=institution)
        if form.is_valid():
            services.institution_profile_update(actor=request.user, institution=institution,
                                                **{f: form.cleaned_data[f] for f in form.Meta.fields})
            messages.success(request, _("Your institution's profile was saved."))
            return redirect("institutions:profile")
    else:
        form = ProfileForm(instance=institution)
    return render(request, "institutions/profile.html", {"form": form, "institution": institution})


@role_required("institution_staff")
def support_records(request):
    businesses = list(selectors.supportable_businesses(viewer=request.user))
    if request.method == "POST":
        form = SupportRecordForm(request.POST, businesses=businesses)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.support_record_create(actor=request.user, business_id=data["business"], supported_on=data["supported_on"],
                                               theme=data["theme"], summary=data["summary"])
            except ApplicationError as exc:
                add_errors_to_form(form, exc.errors)
            else:
                messages.success(request, _("The support record was saved."))
                return redirect("institutions:support_records")
    else:
        form = SupportRecordForm(businesses=businesses)
    page = Paginator(selectors.staff_support_records(viewer=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    # A company's name (class 1) only while its approval is in force.
    visible = {b.pk for b in businesses}
    # Otherwise the company as the institution itself recorded it, marked as such.
    rows = [{"r": r, "company": r.business.name if r.business_id in visible else None} for r in page.object_list]
    return render(request, "institutions/support_records.html", {
        "form": form, "page": page, "rows": rows, "businesses": businesses, "querystring": "",
    })
