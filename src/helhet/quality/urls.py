"""Quality system URLs (issue 7): avvik first."""

from __future__ import annotations

from helhet.quality import views_avvik

app_name = "quality"

urlpatterns = [*views_avvik.urlpatterns]
