from __future__ import annotations

from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "helhet.quality"
    label = "quality"
    verbose_name = "Kvalitet"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helhet.quality import grounds, views_avvik

        grounds.register()
        views_avvik.register()
