from __future__ import annotations

app_name = "disclosure"
urlpatterns: list = []
