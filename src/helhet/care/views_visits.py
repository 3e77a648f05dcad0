"""Screens of provider delivery (visits). Filled in by the issue-4 work; every route carries a guard mark."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
