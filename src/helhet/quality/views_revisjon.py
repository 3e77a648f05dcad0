"""Placeholder: the revisjon views (issue 7); filled in by that area's work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
