from __future__ import annotations

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "helhet.care"
    label = "care"
    verbose_name = "Tjenesteyting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helhet.care.grounds import register as register_grounds

        register_grounds()
