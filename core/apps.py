from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Japanese model names for the admin (core/model_names.py): every app is loaded now.
        from .model_names import apply_model_names

        apply_model_names()
