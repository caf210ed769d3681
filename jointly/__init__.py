"""Jointly: joint commissioning of children's, young people's and families' services."""

__version__ = "0.1.0"
