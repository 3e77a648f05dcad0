"""Quality system URLs (issue 7), under /kvalitet/: one views module per area."""

from __future__ import annotations

from helhet.quality import (
    views_avvik,
    views_dokumenter,
    views_klager,
    views_oversikt,
    views_revisjon,
    views_ros,
    views_undersokelser,
    views_varsling,
)

app_name = "quality"

urlpatterns = [
    *views_oversikt.urlpatterns,
    *views_avvik.urlpatterns,
    *views_varsling.urlpatterns,
    *views_klager.urlpatterns,
    *views_revisjon.urlpatterns,
    *views_dokumenter.urlpatterns,
    *views_ros.urlpatterns,
    *views_undersokelser.urlpatterns,
]
