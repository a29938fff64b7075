from __future__ import annotations

app_name = "applications"
urlpatterns: list = []
