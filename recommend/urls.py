from __future__ import annotations

app_name = "recommend"
urlpatterns: list = []
