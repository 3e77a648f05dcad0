from __future__ import annotations

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "helhet.care"
    label = "care"
    verbose_name = "Tjenesteyting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helhet.care import views_figures, views_journal, views_plan, views_planning, views_visits
        from helhet.care.grounds import register as register_grounds

        register_grounds()
        # Each screen family registers its own menu entries and person-page panels (``register()``).
        for module in (views_visits, views_plan, views_journal, views_figures, views_planning):
            register = getattr(module, "register", None)
            if register is not None:
                register()
