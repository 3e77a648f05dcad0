"""Helhet: an open system for care in the home in Norway."""

__version__ = "0.1.0"
