from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.dbroles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, dispatch_uid="core.dbroles.grant_after_migrate")
