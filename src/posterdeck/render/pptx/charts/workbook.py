"""The workbook embedded in a bar or column chart: what PowerPoint's "Edit Data" opens.

Sheet1 holds, as python-pptx lays it out, the categories in column A and one column of values
per series; then, per series, its data labels and, when it has CIs, four more columns:

    <series> label    the label as the target prints it: ="" & SUBSTITUTE(FIXED(B2,1,TRUE),".",",") & " %"
    <series> CI low   the lower 95% CI bound (a number)
    <series> CI high  the upper bound
    <series> +        =ROUND(D2-B2,1)  the distance the error bar reaches up
    <series> −        =ROUND(B2-C2,1)  and down

The chart's error bars reference the + and − cells and its data labels the label cells, so an
edited value or CI bound moves its bar and rewrites its label once the spreadsheet recalculates.
Every number is written rounded to its published decimals, and each formula cell carries its
computed value, so a reader that does not calculate sees the right numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter


def exact(values) -> list:
    """Numbers as the workbook should hold them: xlsxwriter prints floats with 16 digits
    (8.876404 as 8.876404000000001); a Decimal of the float's shortest form prints as it reads."""
    return [None if v is None else Decimal(repr(float(v))) for v in values]


@dataclass(frozen=True)
class Columns:
    """Where one series' extra cells are, as sheet ranges (Sheet1!$E$2:$E$3)."""

    label: str
    low: str | None = None
    high: str | None = None
    plus: str | None = None
    minus: str | None = None


class CIChartData(CategoryChartData):
    """Category chart data whose series carry 95% CIs, decimals and printed labels.

    ``decimal_mark`` is the target's decimal sign, ``affixes`` what a label prints before and
    after its number (('', '\u00a0%') for a German percentage): the label cells' formulas print
    an edited value so. Add series with add_ci_series(),
    then pass the object to posterdeck.render.pptx.charts.replace_data() to update a chart with
    its CIs and labels."""

    def __init__(self, number_format: str = "General", decimal_mark: str = ".", affixes=("", "")):
        super().__init__(number_format=number_format)
        self.decimal_mark = decimal_mark
        self.affixes = tuple(affixes)
        self.extras: list[dict] = []  # per series: cis, decimals, labels
        self.made_from: object = None  # what the data was made from, all of it (see xlsx_blob)

    @property
    def xlsx_blob(self) -> bytes:
        """The workbook file. With ``made_from`` (the chart the data was made from: all of the
        data depends on it), kept in the disk cache under it, the writing code and xlsxwriter's
        and python-pptx's versions: a rebuild writes only the workbooks of the charts that changed
        (each took xlsxwriter 10-15 ms). Its dates are fixed later (determinism.fix_zip)."""
        if self.made_from is None:
            return super().xlsx_blob
        from posterdeck import cache

        k = cache.key(KIND, _versions(), self.made_from)
        found = _MEMORY.get(k) or cache.get(KIND, k)
        if found is None:
            found = super().xlsx_blob
            cache.put(KIND, k, found)
        _MEMORY[k] = found
        if len(_MEMORY) > 256:
            del _MEMORY[next(iter(_MEMORY))]
        return found

    def add_ci_series(self, name: str, values, cis=None, decimals=None, labels=None, number_format=None):
        """A series; ``cis`` a (low, high) pair or None per value, ``decimals`` per value (the
        values' own by default), ``labels`` the texts printed on the bars, as the deck prints
        them (resolve formats every number; this class formats none). Values and CIs are
        rounded half up to their decimals, as resolve rounds what it prints."""
        values, labels = list(values), list(labels) if labels is not None else None
        if labels is None or len(labels) != len(values):
            raise TypeError(f"series {name!r}: give labels=, one printed text per value (e.g. '30,2\u00a0%')")
        decimals = list(decimals) if decimals is not None else [_decimals_of(v) for v in values]
        series = self.add_series(name, [_half_up(v, d) for v, d in zip(values, decimals)], number_format)
        cis = list(cis) if cis is not None else [None] * len(values)
        cis = [(_half_up(c[0], d), _half_up(c[1], d)) if c else None for c, d in zip(cis, decimals)]
        self.extras.append({"cis": cis, "decimals": decimals, "labels": labels})
        return series

    def has_cis(self, index: int) -> bool:
        return any(self.extras[index]["cis"])

    def columns(self, index: int) -> Columns:
        return self._workbook_writer.columns(index)

    @property
    def _workbook_writer(self):
        return CIWorkbookWriter(self)


def _half_up(value: float, decimals: int) -> float:
    from posterdeck.loading.study import rounded

    return float(rounded(float(value), decimals))


KIND = "workbooks"
_MEMORY: dict[str, bytes] = {}  # workbooks written or read in this process


@lru_cache(maxsize=1)
def _versions() -> tuple[str, str, str]:
    """posterdeck's version and all of its source (manifest.tool_hash, as render/pptx/reuse.py:
    one versioning scheme; the workbook's values pass through loading and pagemodel code too);
    xlsxwriter's and python-pptx's versions (from their metadata: no import needed)."""
    from importlib.metadata import PackageNotFoundError, version

    from posterdeck.manifest import tool_hash

    found = []
    for name in ("xlsxwriter", "python-pptx"):
        try:
            found.append(version(name))
        except PackageNotFoundError:
            found.append("?")
    return tool_hash(), found[0], found[1]


def _decimals_of(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") or "e" in text else len(text.split(".")[1])


class CIWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's category sheet, with each series' label and CI columns after the values."""

    def _first_extra_column(self) -> int:
        data = self._chart_data
        return 1 + data.categories.depth + len(list(data))  # 1-based: the first column after the values

    def _extra_columns(self) -> list[tuple[int, int]]:
        """(first column, count) of each series' extra columns, 1-based."""
        out, col = [], self._first_extra_column()
        for i in range(len(self._chart_data.extras)):
            n = 5 if self._chart_data.has_cis(i) else 1
            out.append((col, n))
            col += n
        return out

    def _range(self, col: int, rows: int) -> str:
        letter = self._column_reference(col)
        return f"Sheet1!${letter}$2:${letter}${rows + 1}"

    def columns(self, index: int) -> Columns:
        col, n = self._extra_columns()[index]
        rows = len(self._chart_data.categories)
        refs = [self._range(col + k, rows) for k in range(n)]
        return Columns(*refs)

    def _write_series(self, workbook, worksheet):
        col_offset = self._chart_data.categories.depth
        for idx, series in enumerate(self._chart_data):
            num_format = workbook.add_format({"num_format": series.number_format})
            worksheet.write(0, idx + col_offset, series.name)
            worksheet.write_column(1, idx + col_offset, exact(series.values), num_format)

    def _populate_worksheet(self, workbook, worksheet):
        super()._populate_worksheet(workbook, worksheet)
        data = self._chart_data
        mark = data.decimal_mark
        other = "," if mark == "." else "."
        before, after = (_excel_string(a) for a in data.affixes)
        for i, (series, extra) in enumerate(zip(data, data.extras)):
            value_col = self._column_reference(1 + data.categories.depth + i)
            col, n = self._extra_columns()[i]
            c0 = col - 1  # xlsxwriter counts columns from 0
            worksheet.write(0, c0, f"{series.name} label")
            worksheet.set_column(c0, c0 + n - 1, 11)
            for r, (d, text) in enumerate(zip(extra["decimals"], extra["labels"])):
                cell = f"{value_col}{r + 2}"
                # FIXED prints the decimal sign of the reader's system: SUBSTITUTE makes it the target's
                formula = f'={before}&SUBSTITUTE(FIXED({cell},{d},TRUE),"{other}","{mark}")&{after}'
                worksheet.write_formula(r + 1, c0, formula, None, text)
            if n == 1:
                continue
            low_col, high_col = self._column_reference(col + 1), self._column_reference(col + 2)
            for k, title in enumerate(("CI low", "CI high", "+", "\u2212"), start=1):
                worksheet.write(0, c0 + k, f"{series.name} {title}")
            for r, (v, ci, d) in enumerate(zip(series.values, extra["cis"], extra["decimals"])):
                if ci is None:  # no CI: no bar
                    worksheet.write_number(r + 1, c0 + 3, 0)
                    worksheet.write_number(r + 1, c0 + 4, 0)
                    continue
                fmt = workbook.add_format({"num_format": "0" + ("." + "0" * d if d else "")})
                row = r + 2
                low, high = exact(ci)
                worksheet.write_number(r + 1, c0 + 1, low, fmt)
                worksheet.write_number(r + 1, c0 + 2, high, fmt)
                up, down = exact((round(ci[1] - v, d), round(v - ci[0], d)))
                worksheet.write_formula(r + 1, c0 + 3, f"=ROUND({high_col}{row}-{value_col}{row},{d})", fmt, up)
                worksheet.write_formula(r + 1, c0 + 4, f"=ROUND({value_col}{row}-{low_col}{row},{d})", fmt, down)


def _excel_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class XyData(XyChartData):
    """python-pptx's XY chart data, its workbook holding each number as it reads."""

    @property
    def _workbook_writer(self):
        return ExactXyWorkbookWriter(self)


class ExactXyWorkbookWriter(XyWorkbookWriter):
    def _populate_worksheet(self, workbook, worksheet):
        chart_num_format = workbook.add_format({"num_format": self._chart_data.number_format})
        for series in self._chart_data:
            series_num_format = workbook.add_format({"num_format": series.number_format})
            offset = self.series_table_row_offset(series)
            worksheet.write_column(offset + 1, 0, exact(series.x_values), chart_num_format)
            worksheet.write(offset, 1, series.name)
            worksheet.write_column(offset + 1, 1, exact(series.y_values), series_num_format)
