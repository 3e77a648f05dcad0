"""Provider delivery URLs. Each screen family keeps its own module and URL list."""

from __future__ import annotations

from helhet.care import views_figures, views_journal, views_plan, views_planning, views_visits

app_name = "care"

urlpatterns = [
    *views_visits.urlpatterns,
    *views_plan.urlpatterns,
    *views_journal.urlpatterns,
    *views_figures.urlpatterns,
    *views_planning.urlpatterns,
]
