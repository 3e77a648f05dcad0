"""Placeholder: filled in by the klager work (issue 7)."""

__all__: list[str] = []
