"""Case handling URLs. Each screen family keeps its own module and URL list."""

from __future__ import annotations

from helhet.cases import views_intake, views_vedtak

app_name = "cases"

urlpatterns = [*views_intake.urlpatterns, *views_vedtak.urlpatterns]
