"""Placeholder: filled in by the ros work (issue 7)."""

__all__: list[str] = []
