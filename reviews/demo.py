"""The review criteria of every demo 持続化 round (the demo's rounds are made after the
migration that installs them for rounds 9-11)."""

from __future__ import annotations

from core.demo import DemoContext

from .criteria import install_criteria


def seed(ctx: DemoContext) -> None:
    from applications.models import SubsidyRound

    added = sum(install_criteria(r) for r in SubsidyRound.objects.filter(program="jizokuka_general"))
    ctx.say(f"  {added} review criteria")
