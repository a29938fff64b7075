from typing import Any

from django.apps import AppConfig
from django.db import models


class ConsentConfig(AppConfig):
    name = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every JSON document is checked against consent.registry before it is stored: an
        # item without a data class could not be released correctly, so it is never
        # written (a guard on the data itself, not business logic; bulk writes that skip
        # signals are checked by the services that make them).
        from django.db.models.signals import pre_save

        from .registry import check_document, project_json_fields

        fields_by_model: dict[type[models.Model], list[str]] = {}
        for model, field in project_json_fields():
            fields_by_model.setdefault(model, []).append(field.name)

        def refuse_unclassified(sender: type[models.Model], instance: models.Model,
                                update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
            for name in fields_by_model.get(sender, ()):
                if update_fields is None or name in update_fields:
                    check_document(sender, name, getattr(instance, name))

        for model in fields_by_model:
            pre_save.connect(refuse_unclassified, sender=model, weak=False, dispatch_uid=f"consent-json-{model._meta.label_lower}")
