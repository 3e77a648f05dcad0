from __future__ import annotations

from django.urls import path

from helhet.core import auth_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("logg-inn/", auth_views.login_view, name="login"),
    path("logg-inn/kode/", auth_views.login_otp, name="login_otp"),
    path("logg-inn/ny-app/", auth_views.login_enroll, name="login_enroll"),
    path("logg-ut/", auth_views.logout_view, name="logout"),
    path("organisasjon/", views.organisation, name="organisation"),
    path("personer/", views.person_search, name="person_search"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("personer/<uuid:person_id>/endre/", views.person_edit, name="person_edit"),
    path("personer/<uuid:person_id>/fodselsnummer/", views.person_full_id, name="person_full_id"),
    path("personer/<uuid:person_id>/parorende/ny/", views.parorende_add, name="parorende_add"),
    path("personer/<uuid:person_id>/verge/ny/", views.verge_add, name="verge_add"),
    path("personer/<uuid:person_id>/samtykke/ny/", views.samtykke_add, name="samtykke_add"),
    path(
        "personer/<uuid:person_id>/samtykke/<int:samtykke_id>/trekk/",
        views.samtykke_withdraw,
        name="samtykke_withdraw",
    ),
    path("personer/<uuid:person_id>/sperring/ny/", views.sperring_add, name="sperring_add"),
    path(
        "personer/<uuid:person_id>/sperring/<int:sperring_id>/opphev/",
        views.sperring_lift,
        name="sperring_lift",
    ),
    path("personer/<uuid:person_id>/innsyn/", views.person_access_log, name="person_access_log"),
    path("personer/<uuid:person_id>/nodtilgang/", views.nodtilgang, name="nodtilgang"),
    path("tilgangskontroll/", views.access_review, name="access_review"),
    path(
        "tilgangskontroll/nodtilgang/<int:nodtilgang_id>/",
        views.nodtilgang_review,
        name="nodtilgang_review",
    ),
]
