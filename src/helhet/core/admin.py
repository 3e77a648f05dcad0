"""Django admin for organisation, users and roles (systemadministrator only).

Person models (Tjenestemottaker, Pårørende, Verge, Samtykke, Sperring, Nødtilgang, AuditEvent)
are deliberately NOT registered: the admin does not go through the access check or the audit
trail, so person data is reached only through Helhet's own screens. A test holds this.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from helhet.core.models import Bydel, Enhet, Kommune, Kontaktpunkt, Leverandor, RoleAssignment, Team, User


class KontaktpunktInline(admin.StackedInline):
    model = Kontaktpunkt
    extra = 0


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    list_display = ["navn", "kommunenummer"]


@admin.register(Bydel)
class BydelAdmin(admin.ModelAdmin):
    list_display = ["navn", "kommune"]
    inlines = [KontaktpunktInline]


@admin.register(Leverandor)
class LeverandorAdmin(admin.ModelAdmin):
    list_display = ["navn", "organisasjonsnummer", "type", "kommune"]
    list_filter = ["type"]


@admin.register(Enhet)
class EnhetAdmin(admin.ModelAdmin):
    list_display = ["navn", "leverandor"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["navn", "enhet"]
    filter_horizontal = ["bydeler"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fk_name = "user"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "kind", "is_active"]
    list_filter = ["kind", "is_active", "role_assignments__rolle"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Helhet", {"fields": ("kind", "telefon", "hpr_nummer")}),
    )
    inlines = [RoleAssignmentInline]
