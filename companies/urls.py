from __future__ import annotations

app_name = "companies"
urlpatterns: list = []
