from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helhet.core"
    label = "core"
    verbose_name = "Kjerne"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the built-in access grounds. Later apps register their own in their ready().
        from helhet.core import grounds

        grounds.register_builtin_grounds()
