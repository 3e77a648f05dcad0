"""BPA URLs: the arbeidsleder's portal (``views_portal``) and the provider's and bydel's pages (``views_staff``)."""

from __future__ import annotations

from helhet.bpa import views_portal, views_staff

app_name = "bpa"

urlpatterns = [
    *views_portal.urlpatterns,
    *views_staff.urlpatterns,
]
