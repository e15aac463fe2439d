"""Layout spec + resolved content -> page model. The only place that decides geometry."""
