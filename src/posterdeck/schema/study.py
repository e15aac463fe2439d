"""Study data: populations, results (counts, estimates, p-values) and data tables.

Every number of a deck lives here once; content refers to it by path, e.g.
``results.crcri.ino_s1`` or ``populations.itt``.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, PrivateAttr, field_validator, model_validator

from posterdeck.schema.base import Strict


UNITS = ("percent", "months", "weeks", "days", "years", "ratio", "count")  # built in; others under units:
_UNIT_ALIASES = {"%": "percent", "": None}


def _not_bool(v):
    """YAML reads true/false/yes/no as booleans, and pydantic would take them for 1 and 0: a
    number of patients is never a yes or a no."""
    if isinstance(v, bool):
        raise ValueError(f"{str(v).lower()} is a yes/no, not a number of patients; write the count, e.g. 87")
    return v


PatientCount = Annotated[int, BeforeValidator(_not_bool)]
"""A number of patients: an integer, never a boolean."""


def _unit(v):
    """'%' is percent; an empty unit is no unit."""
    if isinstance(v, str):
        v = v.strip()
        return _UNIT_ALIASES.get(v, v)
    return v


class Unit(Strict):
    """A unit the built-in ones do not cover, declared once under units: in study.yaml.
    label: its name per language, printed after the number and as the axis title;
    short: a shorter form per language (the | short format), falling back to the label."""

    label: dict[str, str] = Field(min_length=1)
    """Its name per language, printed after the number and as the axis title: {en: cells/µL, de: Zellen/µl}."""
    short: dict[str, str] = {}
    """A shorter form per language (the | short format); falls back to the label."""


class Population(Strict):
    """A population of the study (ITT, safety, ...): its size, the denominator of counts that name it."""

    n: PatientCount = Field(ge=0)
    """The number of patients."""
    label: str = ""
    """What the population is, in words."""


class Count(Strict):
    """n patients of N; the percentage is computed. A stated ``pct`` is checked against n/N."""

    kind: Literal["count"] = "count"
    """The kind of result (optional; n and N make a count)."""
    n: PatientCount = Field(ge=0)
    """The number of patients with the outcome."""
    N: Annotated[Union[int, str], BeforeValidator(_not_bool)]
    """The denominator: a number, or the id of a population."""
    pct: float | None = None
    """The percentage as published; checked against n/N, never printed in its place."""
    ci: tuple[float, float] | None = None
    """The stated 95% CI of the percentage: [low, high]."""
    decimals: int | None = Field(default=None, ge=0, le=4)
    """Decimals of the percentage; default: those of pct as written, else the study's."""
    label: str = ""
    """What the count is, in words (for reviewers and change reports)."""

    @field_validator("ci")
    @classmethod
    def _ordered(cls, v):
        if v is not None and v[0] > v[1]:
            raise ValueError(f"CI bounds out of order: {v[0]} > {v[1]}")
        return v


class _Measured(Strict):
    """A value in a unit (an estimate, a number): the unit as written, its declaration attached
    by loading when it is one of the study's own."""

    unit: str | None = None
    """percent (or %), months, weeks, days, years, ratio, count, or a unit declared under units:; none: no unit."""

    _unit_def: Unit | None = PrivateAttr(default=None)  # a declared unit's labels, set by loading

    @field_validator("unit", mode="before")
    @classmethod
    def _alias(cls, v):
        return _unit(v)


class Estimate(_Measured):
    """A point estimate, e.g. a landmark survival rate or a hazard ratio, with an optional 95% CI
    and the number of patients it rests on."""

    kind: Literal["estimate"] = "estimate"
    """The kind of result (optional; value makes an estimate)."""
    value: float
    """The point estimate."""
    ci: tuple[float, float] | None = None
    """The 95% CI: [low, high]; the value must lie inside it."""
    n: PatientCount | None = Field(default=None, ge=0)
    """The number of patients the estimate rests on."""
    population: str | None = None
    """The population the n is part of (checked: n is at most its n)."""
    decimals: int | None = Field(default=None, ge=0, le=4)
    """Decimals to print; default: the most written in value and ci."""
    label: str = ""
    """What the estimate is, in words (for reviewers and change reports)."""

    @model_validator(mode="after")
    def _inside(self):
        if self.ci is not None:
            lo, hi = self.ci
            if lo > hi:
                raise ValueError(f"CI bounds out of order: {lo} > {hi}")
            if not lo <= self.value <= hi:
                raise ValueError(f"estimate {self.value} lies outside its CI {lo}-{hi}")
        return self


class PValue(Strict):
    """A p-value, printed as P = 0.03 or P < 0.001."""

    kind: Literal["pvalue"] = "pvalue"
    """The kind of result (optional; p makes a p-value)."""
    p: float = Field(gt=0, le=1)
    """The p-value (or its bound, with op: <)."""
    op: Literal["<", "=", "≤", ">"] = "="
    """How p relates to the true value: P < 0.001 is {p: 0.001, op: <}."""
    decimals: int | None = Field(default=None, ge=0, le=6)
    """Decimals to print; default: as written (0.01 -> 2)."""


class Number(_Measured):
    """A plain number with an optional unit, e.g. a median follow-up in months."""

    kind: Literal["number"] = "number"
    """The kind of result (optional; number makes a number)."""
    number: float
    """The number."""
    decimals: int | None = Field(default=None, ge=0, le=4)
    """Decimals to print; default: as written (34 -> 0, 34.0 -> 1)."""
    label: str = ""
    """What the number is, in words (for reviewers and change reports)."""


Leaf = Union[Count, Estimate, PValue, Number]


class TableRow(Strict):
    """A row of a data table: a term (the stub) and one cell per column.

    A cell is a count (a bare integer: n of the column's population, printed n (%)), a result
    in the forms of ``results`` ({n, N}, {value, ci}, {p, op}, {number}), a data path
    ('results.os.hr', optionally '| format'), or text ({text: NR} or any other string).
    ``n:`` is the older name of ``cells:``. A ``group`` row is a heading across the table and
    has no cells; ``soc`` rows are bold and banded, ``pt`` rows indented under them."""

    term: str
    """The row's label (the stub), translated like any text."""
    id: str = ""
    """Names the row in data paths: tables.<table>.<id>.<column> (default: its 1-based number)."""
    level: Literal["group", "soc", "pt"] = "pt"
    """group: a heading across the table, without cells; soc: bold and banded; pt: indented under its soc."""
    format: str = ""
    """The format of every cell of the row (a cell's own format wins), e.g. pct or nN."""
    n: list[Any] | None = None
    """The older name of cells:."""
    cells: list[Any] | None = None
    """One cell per column: a count (a bare integer), a result ({n, N}, {value, ci}, {p, op}, {number}),
    a data path ('results.os.hr', optionally '| format') or text ({text: NR} or any other string)."""

    @model_validator(mode="after")
    def _one_form(self):
        if self.id and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", self.id):
            raise ValueError(f"row id {self.id!r} must start with a letter and hold letters, digits, _ or - only "
                             "(it names the row in data paths)")
        if self.n is not None and self.cells is not None:
            raise ValueError(f"row {self.term!r} gives both n: and cells:; write its cells once, under cells:")
        if self.level == "group" and self.values:
            raise ValueError(f"group row {self.term!r} is a heading across the table and has no cells")
        if self.level != "group" and self.n is None and self.cells is None:
            raise ValueError(f"row {self.term!r} has no cells; give cells: [...] (or level: group for a heading)")
        return self

    @property
    def values(self) -> list:
        """The row's cells as written, whichever key holds them."""
        return list(self.cells if self.cells is not None else self.n or [])


class DataTable(Strict):
    """Rows x columns of results. A column is the id of a population (the denominator of the
    bare counts in it) or any other id (then its cells say what they hold)."""

    columns: list[str]
    """The column ids: a population id (the denominator of the bare counts in it) or any other id."""
    rows: list[TableRow]
    """The rows, in order."""

    @model_validator(mode="after")
    def _widths(self):
        for i, row in enumerate(self.rows):
            if row.level != "group" and len(row.values) != len(self.columns):
                raise ValueError(f"row {i + 1} ({row.term}) has {len(row.values)} values for {len(self.columns)} columns")
        seen = set()
        for col in self.columns:
            if col in seen:
                raise ValueError(f"column {col!r} is listed twice")
            seen.add(col)
        ids = [r.id for r in self.rows if r.id]
        if len(ids) != len(set(ids)):
            raise ValueError(f"row id {next(i for i in ids if ids.count(i) > 1)!r} is used twice")
        return self

    def row_key(self, index: int) -> str:
        """The name of row ``index`` (0-based) in data paths: its id, else its 1-based number."""
        return self.rows[index].id or str(index + 1)


class Patients(Strict):
    """Patient-level rows: follow-up time and event (1) or censoring (0); estimated with lifelines."""

    time: list[float] = []
    """Follow-up time of each patient."""
    event: list[Literal[0, 1]] = []
    """1 for an event, 0 for censoring, per patient."""
    file: str = ""
    """Or a CSV file with columns time,event (relative to the deck folder)."""


class CurveData(Strict):
    """A survival curve as statisticians deliver it (steps, censor times, at-risk counts), or
    patient-level rows to estimate it from. Survival is a proportion (0-1)."""

    time: list[float] = []
    """The times of the curve's steps."""
    survival: list[float] = []
    """Survival (a proportion, 0-1) from each time on; never rising."""
    censored: list[float] = []
    """The times of censor marks."""
    at_risk: list[tuple[float, int]] = []
    """The number at risk: [[time, patients], ...]."""
    patients: Patients | None = None
    """Patient-level rows to estimate the curve from (instead of time and survival)."""

    @model_validator(mode="after")
    def _shape(self):
        if self.patients is None:
            if not self.time or len(self.time) != len(self.survival):
                raise ValueError("give time and survival lists of equal length, or patients")
            if any(b < a for a, b in zip(self.time, self.time[1:])):
                raise ValueError("curve times must not decrease")
            if any(b > a + 1e-12 for a, b in zip(self.survival, self.survival[1:])):
                raise ValueError("a Kaplan-Meier curve never rises: survival must not increase")
            if any(not 0 <= s <= 1 for s in self.survival):
                raise ValueError("survival is a proportion between 0 and 1")
        elif not self.patients.file and len(self.patients.time) != len(self.patients.event):
            raise ValueError("patients.time and patients.event must have the same length")
        return self


class StudyInfo(Strict):
    """The study's name and default precision."""

    name: str
    """The study's name, e.g. INO-VATE ALL."""
    decimals: int = Field(default=1, ge=0, le=4)
    """Decimals of percentages that say none of their own."""


class Study(Strict):
    """study.yaml."""

    study: StudyInfo
    """About the study: its name and the default decimals of percentages."""
    units: dict[str, Unit] = {}
    """Units the built-in ones do not cover, by id: {cells_ul: {label: {en: cells/µL}}}."""
    populations: dict[str, Population] = {}
    """The study's populations by id (itt, safety, ...), the denominators of counts."""
    results: dict = {}
    """The results: a tree of groups whose leaves are counts {n, N}, estimates {value, ci}, p-values {p}
    and numbers {number}; content names a leaf by its path, e.g. results.crcri.ino_s1."""
    tables: dict[str, DataTable] = {}
    """Data tables by id: rows x columns of results (e.g. adverse events)."""
    curves: dict[str, CurveData] = {}
    """Survival curves by id, for Kaplan-Meier charts."""
