"""Placeholder: filled in by the dokumenter work (issue 7)."""

__all__: list[str] = []
