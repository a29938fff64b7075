from __future__ import annotations

app_name = "linkage"
urlpatterns: list = []
