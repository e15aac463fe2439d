"""Resolving tables: each cell of a study table formatted for the target, the headers
translated and checked against the data.

TableResolver is the table part of the resolver (document._Resolver), which supplies err(),
plain(), tr(), text() and the model, target, decimals and ci_label.
"""
from __future__ import annotations

from posterdeck.loading.tables import cell_path, cell_ref, row_key_name
from posterdeck.loading.yamlsource import suggest
from posterdeck.resolve.values import ValueError_, allowed, render_value
from posterdeck.resolve.visuals import RTable

# fixed words tables print by themselves, in the source language; translated through the catalogue
TABLE_WORDS = {"continued": "(continued)"}
TABLE_FORMATS = ("value_ci",)  # formats only tables know: value (CI) without the CI label


def default_format(leaf) -> str:
    """What a cell shows when neither its column, its row nor itself names a format."""
    if leaf.kind == "count":
        return "count"  # 90 (81.1)
    if leaf.kind == "estimate":
        return "value_ci" if leaf.ci is not None else "value"  # 0.74 (0.65–0.85)
    if leaf.kind == "pvalue":
        return "p"  # P < 0.001
    return "value"


def table_formats(leaf) -> list[str]:
    return allowed(leaf) + (["value_ci"] if getattr(leaf, "ci", None) is not None else [])


class TableResolver:
    def table(self, tid: str) -> RTable:
        spec = self.model.content.tables[tid]
        base = ("tables", tid)
        data = self.model.study.tables.get(spec.data)
        if data is None:
            self.err(base + ("data",), f"table {tid}: no study table {spec.data!r}",
                     suggest(spec.data, self.model.study.tables) or "add it under tables: in study.yaml")
            return RTable(tid, "", (), (), (), ())
        ncol = len(data.columns)
        if len(spec.columns) != ncol:
            self.err(base + ("columns",), f"table {tid}: {len(spec.columns)} column labels for {ncol} data columns",
                     f"give one label per column of study table {spec.data}: {', '.join(data.columns)}")
        if spec.column_groups and sum(g.span for g in spec.column_groups) != ncol:
            self.err(base + ("column_groups",),
                     f"table {tid}: column groups span {sum(g.span for g in spec.column_groups)} of {ncol} columns",
                     "the spans of the column groups add up to the number of columns")
        if spec.formats and len(spec.formats) != ncol:
            self.err(base + ("formats",), f"table {tid}: {len(spec.formats)} formats for {ncol} columns",
                     "give one format per column; '' leaves a column to the default of each cell")
        col_formats = self._column_formats(tid, spec, data)
        study_src = self.model.sources["study"]
        rows, row_paths, cell_paths, row_refs, cell_formats = [], [], [], [], []
        for r, row in enumerate(data.rows):
            term_ctx = f"study.tables.{spec.data}.{row.term}"
            term = self.tr(row.term, ("tables", spec.data, "rows", r), study_src, context=term_ctx)  # the row's line
            if term and term.strip():  # a review item of its own, marked on its stub cell
                self.wording.setdefault(term_ctx, (row.term, term, study_src.where(("tables", spec.data, "rows", r))))
            row_refs.append(f"text:{term_ctx}" if term and term.strip() else "")
            if row.level == "group":
                rows.append((term, (), row.level))
                row_paths.append(())
                cell_paths.append(())
                cell_formats.append(())
                continue
            cells, shown, at_cell, at_format = [], [], [], []
            for c, (col, raw) in enumerate(zip(data.columns, row.values)):
                at = ("tables", spec.data, "rows", r, row_key_name(data, r), c)
                ref = cell_ref(raw, cell_path(spec.data, data, r, col))
                at_cell.append(ref.path if ref.kind not in ("empty", "text") else "")
                at_format.append("")
                if ref.kind == "empty":
                    cells.append("")
                elif ref.kind == "text":
                    cells.append(self._cell_words(ref.text, spec.data, at))
                else:
                    fmt, fmt_at, fmt_src = ref.format, at, study_src
                    if not fmt and row.format:
                        fmt, fmt_at = row.format, ("tables", spec.data, "rows", r, "format")
                    leaf = self.model.leaves.get(ref.path)
                    if not fmt and col_formats[c] and leaf is not None and col_formats[c] in table_formats(leaf):
                        fmt = col_formats[c]  # a column's format applies to the cells it fits
                    cells.append(self.cell_value(ref.path, fmt, fmt_at, fmt_src,
                                                 f"tables.{spec.data}: row {r + 1} ({row.term}), column {col}: "))
                    shown.append(ref.path)
                    if leaf is not None:
                        at_format[-1] = fmt or default_format(leaf)
            rows.append((term, tuple(cells), row.level))
            row_paths.append(tuple(shown))
            cell_paths.append(tuple(at_cell))
            cell_formats.append(tuple(at_format))
        pops = tuple(f"populations.{c}" for c in data.columns if c in self.model.study.populations)
        return RTable(id=tid, stub_heading=self.plain(spec.stub_heading, base + ("stub_heading",)),
                      groups=tuple((self.plain(g.label, base + ("column_groups", i)), g.span)
                                   for i, g in enumerate(spec.column_groups)),
                      columns=tuple(self.plain(c, base + ("columns", i)) for i, c in enumerate(spec.columns)),
                      rows=tuple(rows), caption=self.text(spec.caption, base + ("caption",)),
                      paths=(f"tables.{spec.data}",) + pops, row_paths=tuple(row_paths),
                      cell_paths=tuple(cell_paths), cell_formats=tuple(cell_formats), refs=self._heading_refs(tid, spec), row_refs=tuple(row_refs))

    def _heading_refs(self, tid: str, spec) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The review refs ("text:CONTEXT") of the header cells: (stub heading and columns, column groups)."""
        def ref(path: tuple, raw: str) -> str:
            return f"text:{self.context(path)}" if raw and raw.strip() else ""

        base = ("tables", tid)
        heads = (ref(base + ("stub_heading",), spec.stub_heading),
                 *(ref(base + ("columns", i), c) for i, c in enumerate(spec.columns)))
        groups = tuple(ref(base + ("column_groups", i), g.label) for i, g in enumerate(spec.column_groups))
        return heads, groups

    def _column_formats(self, tid: str, spec, data) -> list[str]:
        """The format of each column ('' for none). A column's format applies to the cells it
        fits (a count column of n in a table that also holds estimates); one that fits none of
        its cells is an error."""
        out = (list(spec.formats) + [""] * len(data.columns))[:len(data.columns)]
        for c, fmt in enumerate(out):
            if not fmt:
                continue
            leaves = [self.model.leaves.get(cell_ref(row.values[c], cell_path(spec.data, data, r, data.columns[c])).path)
                      for r, row in enumerate(data.rows) if row.level != "group"]
            fits = sorted({f for leaf in leaves if leaf is not None for f in table_formats(leaf)})
            if fits and fmt not in fits:
                self.err(("tables", tid, "formats", c),
                         f"table {tid}: format {fmt!r} of column {data.columns[c]} does not apply to any of its cells",
                         f"use one of: {', '.join(fits)}")
        return out

    def cell_value(self, path: str, fmt: str, at: tuple, src, label: str = "") -> str:
        """One value in a table's format: every number goes through render_value."""
        leaves = self.model.leaves
        leaf = leaves.get(path)
        if leaf is None:  # loading reported it
            return "??"
        fmt = fmt or default_format(leaf)
        if fmt not in table_formats(leaf):
            kind = {"estimate": "an estimate", "pvalue": "a p-value"}.get(leaf.kind, f"a {leaf.kind}")
            self.err(at, f"{label}format {fmt!r} does not apply to {path} ({kind}"
                         f"{' without a CI' if fmt == 'value_ci' else ''})",
                     f"use one of: {', '.join(table_formats(leaf))}", src=src)
            return "??"

        def show(name: str) -> str:
            return render_value(path, name, leaves, self.target.formats, self.decimals, ci_label=self.ci_label)

        try:
            if fmt == "value_ci":
                return f"{show('value')} ({show('ci')})"
            if leaf.kind == "pvalue" and fmt == "value":  # bare, but a bound keeps its sign: <0.001
                return show("value") if leaf.op == "=" else f"{leaf.op}{show('value')}"
            return show(fmt)
        except ValueError_ as exc:
            self.err(at, f"{label}{exc}", exc.hint, src=src)
            return "??"

    def _cell_words(self, text: str, table: str, at: tuple) -> str:
        """A text cell; words go through the catalogue ('NR'), signs such as '—' do not."""
        if not any(ch.isalpha() for ch in text):
            return text
        return self.tr(text, at, self.model.sources["study"], context=f"study.tables.{table}.text.{text}")

    def table_words(self) -> dict[str, str]:
        """The fixed words of tables, translated, when a section shows a table."""
        content = self.model.content
        if not any(v in content.tables for s in content.sections for v in s.visuals):
            return {}
        return {key: self.tr(text, ("words", key), context=f"words.{key}") for key, text in TABLE_WORDS.items()}
