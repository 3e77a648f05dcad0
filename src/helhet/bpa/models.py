"""BPA models (issue 6)."""
