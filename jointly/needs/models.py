"""Models of the needs app."""
