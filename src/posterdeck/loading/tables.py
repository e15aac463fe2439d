"""Data tables of study.yaml: what each cell holds.

A cell is a count (a bare integer: n of its column's population), a result written in place
(the forms of ``results``), a data path naming a value of the study (``results.os.hr``,
optionally ``| format``), or text. A result written in a cell becomes a leaf like any result,
under ``tables.<table>.<row>.<column>``, so it is checked and formatted the same way, and
claims, placeholders and the change report can name it.
"""
from __future__ import annotations

from dataclasses import dataclass

from posterdeck.errors import ContentError, InputError
from posterdeck.loading.validate import validate
from posterdeck.loading.yamlsource import Source, suggest
from posterdeck.schema.study import Count, DataTable, Study

PATH_ROOTS = ("results.", "populations.", "tables.")
FORMS = ("a count (90), a result ({n: 386, N: dapa}, {value: 0.74, ci: [0.65, 0.85]}, {p: 0.001, op: '<'}, "
         "{number: 11.6}), a data path (results.os.hr) or text ({text: NR})")


@dataclass(frozen=True)
class CellRef:
    """What a table cell shows: the value at ``path`` (its own result or the one it names),
    ``text``, or nothing."""

    kind: str  # "value" | "text" | "empty"
    path: str = ""
    text: str = ""
    format: str = ""  # the cell's own format, if it gives one


def cell_path(table_id: str, table: DataTable, row: int, column: str) -> str:
    """The data path of the result written in a cell (row 0-based)."""
    return f"tables.{table_id}.{table.row_key(row)}.{column}"


def cell_ref(raw, own_path: str) -> CellRef:
    """How a cell as written reads (loading has reported the cells that do not read)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return CellRef("empty")
    if isinstance(raw, str):
        path, bar, fmt = raw.partition("|")
        path = path.strip()
        if path.startswith(PATH_ROOTS) and " " not in path:
            return CellRef("value", path, format=fmt.strip())
        return CellRef("text", text=raw)
    if isinstance(raw, dict):
        if "text" in raw:
            return CellRef("text", text=str(raw["text"]))
        return CellRef("value", own_path, format=str(raw.get("format", "") or ""))
    return CellRef("value", own_path)


def table_shape(table: DataTable | None):
    """What a table shows besides the results written in its cells (those are values of their
    own): its columns, and per row its term, level, format and the paths and texts it names."""
    if table is None:
        return None
    return (tuple(table.columns), tuple(
        (r.id, r.term, r.level, r.format, tuple(c if isinstance(c, str) or c is None else
                                                (c.get("text"), c.get("format")) if isinstance(c, dict) else "#"
                                                for c in r.values))
        for r in table.rows))


def row_key_name(table: DataTable, r: int) -> str:
    return "cells" if table.rows[r].cells is not None else "n"


def load_tables(study: Study, source: Source, leaves: dict, errors: list,
                failed: set | frozenset = frozenset()) -> dict[str, tuple[tuple, str]]:
    """Register the results written in table cells as leaves; check every cell. Returns the
    YAML path and a name for messages of each registered leaf (for errors found later, e.g.
    n > N)."""
    from posterdeck.loading.study import _LEAF_BY_KEY

    places: dict[str, tuple] = {}
    named: list[tuple[str, tuple, str]] = []  # (path, YAML path, label) of cells naming a value
    pops = study.populations
    for tid, table in study.tables.items():
        for r, row in enumerate(table.rows):
            key = row_key_name(table, r)
            for c, (col, raw) in enumerate(zip(table.columns, row.values)):
                at = ("tables", tid, "rows", r, key, c)
                own = cell_path(tid, table, r, col)
                label = f"tables.{tid}: row {r + 1} ({row.term}), column {col}"

                def bad(message: str, hint: str, at=at) -> None:
                    errors.append(InputError(message, source.where(at), hint=hint))

                if isinstance(raw, bool) or not isinstance(raw, (int, float, str, dict, type(None))):
                    bad(f"{label}: cannot read {raw!r} as a table cell", f"write {FORMS}")
                elif isinstance(raw, int):
                    if col not in pops:
                        bad(f"{label}: the count {raw} needs a denominator, and column {col!r} is not a population",
                            (suggest(col, pops) + " " if suggest(col, pops) else "")
                            + f"write {{n: {raw}, N: <population>}}, or name a population as the column")
                    elif raw < 0:
                        bad(f"{label}: a count cannot be negative ({raw})", "write the number of patients")
                    else:
                        leaves[own], places[own] = Count(n=raw, N=col), (at, label)
                elif isinstance(raw, float):
                    bad(f"{label}: a bare number in a table is a count of patients, and {raw} is not a whole number",
                        f"write an estimate as {{value: {raw}, ci: [low, high]}}, another number as "
                        f"{{number: {raw}}}, or text as {{text: '{raw}'}}")
                elif isinstance(raw, str):
                    ref = cell_ref(raw, own)
                    if ref.kind == "value":
                        named.append((ref.path, at, label))
                elif isinstance(raw, dict):
                    _mapping(dict(raw), col, at, own, label, pops, source, leaves, places, errors, _LEAF_BY_KEY)
    for path, at, label in named:
        if path not in leaves and path not in failed:  # a result with an error of its own: said once
            hint = suggest(path, leaves)
            errors.append(ContentError(
                f"{label}: {path!r} names no value in the study data", source.where(at),
                hint=(hint + " " if hint else "") + "a data path names a result (results.…, populations.… or "
                "tables.…); write text as {text: ...}"))
    return places


def _mapping(node: dict, col: str, at: tuple, own: str, label: str, pops, source: Source, leaves: dict,
             places: dict, errors: list, leaf_by_key: dict) -> None:
    if "text" in node:
        extra = sorted(set(node) - {"text"})
        if extra:
            errors.append(InputError(f"{label}: a text cell holds text only, not {', '.join(extra)}",
                                     source.where(at + (extra[0],)), hint="write {text: ...} alone"))
        elif not isinstance(node["text"], (str, int, float)):
            errors.append(InputError(f"{label}: text: must be text", source.where(at + ("text",)),
                                     hint="quote it, e.g. {text: 'NR'}"))
        return
    fmt = node.pop("format", "")
    if not isinstance(fmt, str):
        errors.append(InputError(f"{label}: format must be a format name", source.where(at + ("format",)),
                                 hint="e.g. format: value_ci"))
    kind = next((cls for key, cls in leaf_by_key.items() if key in node), None)
    if kind is None:
        errors.append(InputError(f"{label}: cannot read {{{', '.join(map(str, node))}}} as a table cell",
                                 source.where(at), hint=f"write {FORMS}"))
        return
    if kind is Count and "N" not in node:
        if col not in pops:
            errors.append(InputError(f"{label}: the count has no N, and column {col!r} is not a population",
                                     source.where(at), hint="add N: <population or number> to the cell"))
            return
        node["N"] = col
    leaf = validate(kind, node, source, prefix=at, errors=errors)
    if leaf is not None:
        from posterdeck.loading.study import as_written

        leaves[own], places[own] = as_written(leaf, at, source), (at, label)
