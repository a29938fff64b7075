from django.apps import AppConfig


class SupportplansConfig(AppConfig):
    name = "supportplans"
    default_auto_field = "django.db.models.BigAutoField"
