from __future__ import annotations

from django.apps import AppConfig


class BpaConfig(AppConfig):
    name = "helhet.bpa"
    label = "bpa"
    verbose_name = "Brukerstyrt personlig assistanse"
    default_auto_field = "django.db.models.BigAutoField"
