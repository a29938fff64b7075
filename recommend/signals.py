"""What makes a business's precomputed recommendations stale (issue 16).

The engine (recommend.engine) reads, for one business: its attributes (Business), challenges,
financial years, applications, consent narrowings, favourites and views, and the catalogue
(programs, case studies). A change of any of these (a consent change is seen by its
ConsentChange row, as narrowings are replaced in bulk) marks the business's RecommendationSet
stale in the same transaction and asks for a refresh after commit (debounced); a catalogue
change marks every set stale (the beat job and the next reads refresh them). Other
businesses' behaviour (the collaborative part) enters with the nightly refresh.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from core.demo import SEEDING


def _business_changed(sender, instance, **kwargs) -> None:
    from .services import recommendations_mark_stale

    if SEEDING.get():  # seed_demo fills an empty database: nothing derived exists yet
        return

    business_id = instance.pk if sender._meta.label == "companies.Business" else getattr(instance, "business_id", None)
    if business_id is not None and not kwargs.get("raw"):
        recommendations_mark_stale(business_id=business_id)


def _catalogue_changed(sender, instance, **kwargs) -> None:
    from .services import recommendations_mark_stale

    if SEEDING.get():  # seed_demo fills an empty database: nothing derived exists yet
        return

    if not kwargs.get("raw"):
        recommendations_mark_stale()


def _set_stored(sender, instance, **kwargs) -> None:
    """A new set (or none): what is cached of the old one is not served again (the API's
    body, recommend.api)."""
    from core import pagecache

    from .precompute import recommendations_generation

    if not kwargs.get("raw"):
        pagecache.touch(recommendations_generation(instance.business_id))


def connect() -> None:
    from django.apps import apps

    for label in ("companies.Business", "companies.Challenge", "companies.FinancialYear", "applications.Application",
                  "consent.Narrowing", "consent.ConsentChange", "recommend.Favourite", "recommend.ViewEvent"):
        model = apps.get_model(label)
        post_save.connect(_business_changed, sender=model, dispatch_uid=f"recommend.stale.save.{label}")
        post_delete.connect(_business_changed, sender=model, dispatch_uid=f"recommend.stale.delete.{label}")
    for label in ("programs.SupportProgram", "programs.CaseStudy"):
        model = apps.get_model(label)
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"recommend.stale.save.{label}")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"recommend.stale.delete.{label}")
    stored = apps.get_model("recommend.RecommendationSet")
    post_save.connect(_set_stored, sender=stored, dispatch_uid="recommend.stored.save")
    post_delete.connect(_set_stored, sender=stored, dispatch_uid="recommend.stored.delete")
