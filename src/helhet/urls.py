"""Root URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Helhet – administrasjon"
admin.site.site_title = "Helhet"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("saker/", include("helhet.cases.urls")),
    path("tjenester/", include("helhet.care.urls")),
    path("bpa/", include("helhet.bpa.urls")),
    path("kvalitet/", include("helhet.quality.urls")),
    path("", include("helhet.core.urls")),
]
