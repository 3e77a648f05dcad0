from __future__ import annotations

from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "helhet.quality"
    label = "quality"
    verbose_name = "Kvalitet"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helhet.quality import (
            grounds,
            views_avvik,
            views_dokumenter,
            views_klager,
            views_oversikt,
            views_revisjon,
            views_ros,
            views_undersokelser,
            views_varsling,
        )

        grounds.register()
        for module in (
            views_avvik,
            views_oversikt,
            views_dokumenter,
            views_klager,
            views_revisjon,
            views_ros,
            views_undersokelser,
            views_varsling,
        ):
            module.register()
