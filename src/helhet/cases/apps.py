from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "helhet.cases"
    label = "cases"
    verbose_name = "Saksbehandling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helhet.cases.grounds import register as register_grounds
        from helhet.cases.panels import register as register_panels

        register_grounds()
        register_panels()
