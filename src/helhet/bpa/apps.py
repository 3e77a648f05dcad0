from __future__ import annotations

from django.apps import AppConfig


class BpaConfig(AppConfig):
    name = "helhet.bpa"
    label = "bpa"
    verbose_name = "Brukerstyrt personlig assistanse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helhet.bpa import views_portal, views_staff

        for module in (views_portal, views_staff):
            register = getattr(module, "register", None)
            if register is not None:
                register()
