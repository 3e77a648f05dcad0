"""Placeholder: filled in by the varsling work (issue 7)."""

__all__: list[str] = []
