"""Painters of the page model. A renderer never reads YAML, measures or wraps text, or decides
what a footer says; it converts coordinates once and paints."""
