from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored.

    The docstring under each field is its description, shown by editors through the JSON Schemas
    (`posterdeck schema`); every field has one (tests/test_schema.py). The descriptions are read
    from the source when the schemas are written (schema.export.describe), not as the classes
    are made: pydantic's use_attribute_docstrings read every class's source for every build,
    a tenth of its start-up, for text only the schemas show."""

    model_config = ConfigDict(extra="forbid", frozen=True)
