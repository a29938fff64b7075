from __future__ import annotations

app_name = "programs"
urlpatterns: list = []
