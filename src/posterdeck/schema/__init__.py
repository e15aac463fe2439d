"""Pydantic models of the data model and the layouts. Data only, no behaviour beyond validation."""
