from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored.

    The docstring under each field is its description, shown by editors through the JSON Schemas
    (`posterdeck schema`); every field has one (tests/test_schema.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
