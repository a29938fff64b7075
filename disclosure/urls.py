from __future__ import annotations

from django.urls import path

from . import views

app_name = "disclosure"
# Every page here needs a signed-in user of the right kind: none is public.
PUBLIC_URL_NAMES: set[str] = set()
urlpatterns = [
    # Support-institution staff
    path("disclosure/companies/", views.company_search, name="company_search"),
    path("disclosure/requests/", views.institution_requests, name="institution_requests"),
    path("disclosure/requests/new/", views.request_new, name="request_new"),
    path("disclosure/requests/<int:pk>/company/", views.company_data_page, name="company_data"),
    # The business
    path("disclosure/inbox/", views.inbox, name="inbox"),
    path("disclosure/inbox/<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("disclosure/inbox/<int:pk>/decide/", views.decide, name="decide"),
    path("disclosure/inbox/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("disclosure/inbox/<int:pk>/block/", views.block, name="block"),
    path("disclosure/blocks/<int:institution_id>/unblock/", views.unblock, name="unblock"),
    path("disclosure/access-log/", views.access_log, name="access_log"),
]
