"""Placeholder: filled in by the undersokelser work (issue 7)."""

__all__: list[str] = []
