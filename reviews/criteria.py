"""The 書面審査 criteria of the 持続化補助金<一般型> call (公募要領「審査の観点」), as data that
reviews/migrations/0002 installs for rounds 9-11 and the demo for its own rounds."""

from __future__ import annotations

CRITERIA = [
    ("analysis", "自社の経営状況分析の妥当性", "自社の製品・サービスや自社の強みを適切に把握しているか。", 20),
    ("policy", "経営方針・目標と今後のプランの適切性",
     "経営方針・目標と今後のプランは、自社の強みを踏まえ、対象とする市場の特性を踏まえているか。", 20),
    ("plan", "補助事業計画の有効性",
     "補助事業計画は具体的で、実現可能性が高く、販路開拓を目指すものとして必要かつ有効か。小規模事業者ならではの創意工夫の特徴があるか。", 40),
    ("budget", "積算の透明・適切性", "事業費の計上・積算が正確・明確で、事業実施に必要なものとなっているか。", 20),
]


def install_criteria(subsidy_round, criterion_model=None) -> int:
    """Add the criteria a 持続化 round lacks; returns how many were added."""
    if criterion_model is None:
        from .models import ReviewCriterion as criterion_model
    added = 0
    for position, (code, name, description, points) in enumerate(CRITERIA):
        _row, created = criterion_model.objects.get_or_create(subsidy_round=subsidy_round, code=code, defaults={
            "name": name, "description": description, "max_points": points, "position": position})
        added += created
    return added
