"""Placeholder: filled in by the revisjon work (issue 7)."""

__all__: list[str] = []
