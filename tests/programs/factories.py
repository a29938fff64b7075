from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from programs.models import CaseStudy, SupportProgram


class SupportProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportProgram

    name = factory.Sequence(lambda n: f"テスト支援補助金{n}")
    agency = "中小企業庁"
    kind = SupportProgram.Kind.SUBSIDY
    summary = "中小企業の取組を支援します。"
    themes = factory.LazyFunction(list)
    industries = factory.LazyFunction(list)
    prefectures = factory.LazyFunction(list)
    tags = factory.LazyFunction(list)
    amount_max = 1_000_000
    rate = "2/3"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.refresh_search_text()
        obj.save()
        return obj


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    title = factory.Sequence(lambda n: f"テスト事例{n}")
    company_label = "東京都の飲食料品小売業 A社（従業員5名）"
    industry_jsic = "58"
    employees = 5
    size_band = "micro"
    prefecture = "13"
    themes = factory.LazyFunction(list)
    challenge = "売上が伸び悩んでいた。"
    actions = "販路を広げた。"
    results = "売上が増えた。"
    tags = factory.LazyFunction(list)
    published_on = factory.LazyFunction(timezone.localdate)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.refresh_search_text()
        obj.save()
        return obj
