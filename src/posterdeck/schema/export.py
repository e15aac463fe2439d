"""JSON Schemas of every YAML file kind, for editors: `posterdeck schema --out DIR`.

With the YAML extension of VS Code (and any editor using yaml-language-server), a first line

    # yaml-language-server: $schema=../../schemas/content.schema.json

gives completion, hover help (each field's description) and checking as you type. The schemas
come from the pydantic models the loader validates with, so they cannot drift from them. Where
the loader reads more than the models type, the schema says it here: the study's results tree
(groups of leaves, recursively), lengths written with units ('841mm') and picture sizes (0.5,
'50%', '30mm'), and a references file that is a list or {references: [...]}.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from posterdeck.schema.approvals import ApprovalsFile
from posterdeck.schema.content import Content
from posterdeck.schema.deck import DeckFile
from posterdeck.schema.glossary import Glossary
from posterdeck.schema.layout import LayoutFile, ThemeFile
from posterdeck.schema.market import MarketFile
from posterdeck.schema.references import CslItem
from posterdeck.schema.study import Count, Estimate, Number, PValue, Study

DIALECT = "https://json-schema.org/draft/2020-12/schema"  # no $id: editors resolve the #/$defs refs in the file they read

# kind -> (model, what the file is and where such files live)
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "deck": (DeckFile, "deck.yaml: the metadata of one deck, its targets and the files and layouts it uses"),
    "study": (Study, "study.yaml: populations, results, data tables and curves; every number of a deck, once"),
    "content": (Content, "content.yaml: titles, sections, charts, tables, images and claims, in inline markup"),
    "references": (CslItem, "references.yaml: the cited works as CSL-YAML items (as Zotero and pandoc export them)"),
    "glossary": (Glossary, "a glossary (data/shared/glossary/*.yaml or a deck's glossary.yaml): abbreviations"),
    "market": (MarketFile, "a market file (data/shared/markets/XX.yaml): statements, links and job-code rule"),
    "layout": (LayoutFile, "a layout (layouts/*.yaml): page geometry, bands and columns, type scale, print"),
    "theme": (ThemeFile, "a theme (layouts/themes/*.yaml): colours in CMYK and RGB, and fonts"),
    "approvals": (ApprovalsFile, "approvals.yaml: the review items approved, with who, when and the fingerprint "
                                 "of what was approved (written by posterdeck approve)"),
}

_LEAF_KEYS = ("value", "n", "p", "number")  # how the loader tells a result from a group (loading.study)


def _results(defs: dict) -> dict:
    """The results tree: each key a group of results or a result, recursively."""
    for model in (Count, Estimate, PValue, Number):
        leaf = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(leaf.pop("$defs", {}))
        defs[model.__name__] = leaf
    defs["ResultNode"] = {
        "description": "A result (a leaf: a count {n, N}, an estimate {value, ci}, a p-value {p} or a number "
                       "{number}) or a group of results under names of your choosing, to any depth. A mapping "
                       "whose key value, n, p or number holds a number is a result; any other mapping is a "
                       "group (so a group may name a result p: {p: {p: 0.01}}).",
        "oneOf": [
            {"$ref": "#/$defs/Count"}, {"$ref": "#/$defs/Estimate"},
            {"$ref": "#/$defs/PValue"}, {"$ref": "#/$defs/Number"},
            {"type": "object", "title": "Group",
             "description": "A group of results; its keys name them in data paths (results.GROUP.NAME).",
             "not": {"anyOf": [{"required": [k], "properties": {k: {
                 "description": f"{k} holding a number makes the mapping a result", "not": {"type": "object"}}}}
                 for k in _LEAF_KEYS]},
             "additionalProperties": {"$ref": "#/$defs/ResultNode"}},
        ],
    }
    return {"type": "object", "additionalProperties": {"$ref": "#/$defs/ResultNode"}}


@lru_cache(maxsize=1)
def describe() -> None:
    """Give every field of every posterdeck model the docstring under it as its description (as
    pydantic's use_attribute_docstrings would, which the models leave off: schema.base), then
    rebuild the models, each after the models its fields hold, so that their JSON Schemas carry
    the descriptions."""
    models = _models()
    for cls in models:
        for base in cls.__mro__:  # the class's own docstring first, then its bases'
            if base is BaseModel or not (isinstance(base, type) and issubclass(base, BaseModel)):
                continue
            own = base.__dict__.get("__annotations__", {})
            for name, doc in _field_docstrings(base).items():
                field = cls.__pydantic_fields__.get(name)
                if field is not None and field.description is None and name in own:
                    field.description = doc
    for cls in _inner_first(models):
        cls.model_rebuild(force=True)


def _models() -> list[type[BaseModel]]:
    found, todo = [], list(BaseModel.__subclasses__())
    while todo:
        cls = todo.pop(0)
        if cls not in found:
            found.append(cls)
            todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("posterdeck.")]


def _field_docstrings(cls: type) -> dict[str, str]:
    """name -> the string literal right under the field's annotated line, in the class body."""
    import ast
    import inspect
    import textwrap

    try:
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body
    except (OSError, TypeError, SyntaxError, IndexError, AttributeError):
        return {}
    docs = {}
    for stmt, after in zip(body, body[1:]):
        if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)):
            docs[stmt.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _inner_first(models: list) -> list:
    """The models, each after the models its fields hold (at any depth of list, dict, union)."""
    import typing

    def held(annotation) -> list:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [m for arg in typing.get_args(annotation) for m in held(arg)]

    order: list = []
    seen: set = set()

    def visit(cls) -> None:
        if cls in seen:  # done, or being visited (a model that holds itself, at any depth)
            return
        seen.add(cls)
        for field in cls.__pydantic_fields__.values():
            for inner in held(field.annotation):
                visit(inner)
        order.append(cls)

    for cls in models:
        visit(cls)
    return order


def schema(kind: str) -> dict:
    """The JSON Schema (draft 2020-12) of one YAML file kind."""
    describe()
    model, title = KINDS[kind]
    body = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = body.pop("$defs", {})
    if kind == "references":
        defs[model.__name__] = body
        item = {"$ref": f"#/$defs/{model.__name__}"}
        body = {"oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["references"],
             "properties": {"references": {"type": "array", "items": item,
                                           "description": "The references, each a CSL item with an id."}}},
            {"type": "array", "items": item}]}
    if kind == "study":
        results = body["properties"]["results"]
        results.update(_results(defs))
    out = {"$schema": DIALECT, "title": f"posterdeck {kind} file",
           "description": title, **{k: v for k, v in body.items() if k not in ("title", "description")}}
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


def write_schemas(folder: Path) -> list[Path]:
    """Write <kind>.schema.json for every kind into ``folder``; the paths written."""
    from posterdeck.output import write_atomic

    written = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        write_atomic(path, (json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(path)
    return written
