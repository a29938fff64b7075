from __future__ import annotations

import pytest

from programs.models import SupportProgram
from tests.factories import agency_staff, mfa_login

pytestmark = pytest.mark.django_db


def test_agency_staff_add_a_program_and_it_is_searchable(client):
    user = agency_staff()
    user.is_superuser = True
    user.save()
    mfa_login(client, user)
    response = client.post("/agency-admin/programs/supportprogram/add/", {
        "name": "新しい省エネ設備補助金", "agency": "経済産業省", "kind": "subsidy", "summary": "工場の省エネルギー設備への更新を支援します。",
        "body": "", "industries": "", "prefectures": "", "themes": "", "tags": "省エネ", "rate": "1/2", "url": "",
        "application_program": "", "published_at_0": "2026-11-01", "published_at_1": "10:00:00",
        "assumed_sales_uplift": "0", "assumed_cost_saving": "0.02",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    program = SupportProgram.objects.get(name="新しい省エネ設備補助金")
    # search_text is normalised (kana folded), and the search page finds it as typed.
    assert "省えねるぎー設備" in program.search_text
    assert list(SupportProgram.objects.filter(search_text__icontains="るぎー設")) == [program]
    from programs.search import search
    assert list(search(SupportProgram.objects.all(), "省エネルギー設備")) == [program]
