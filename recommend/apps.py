from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecommendConfig(AppConfig):
    name = "recommend"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals
        from .scales import ensure_scales

        signals.connect()

        post_migrate.connect(ensure_scales, sender=self, dispatch_uid="recommend.ensure_scales")
