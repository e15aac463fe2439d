"""Study data: populations, results (counts, estimates, p-values) and data tables.

Every number of a deck lives here once; content refers to it by path, e.g.
``results.crcri.ino_s1`` or ``populations.itt``.
"""
from __future__ import annotations

from typing import Literal, Union

from pydantic import Field, PrivateAttr, field_validator, model_validator

from posterdeck.schema.base import Strict


UNITS = ("percent", "months", "weeks", "days", "years", "ratio", "count")  # built in; others under units:
_UNIT_ALIASES = {"%": "percent", "": None}


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
    short: dict[str, str] = {}


class Population(Strict):
    n: int = Field(ge=0)
    label: str = ""


class Count(Strict):
    """n patients of N; the percentage is computed. A stated ``pct`` is checked against n/N."""

    kind: Literal["count"] = "count"
    n: int = Field(ge=0)
    N: Union[int, str]  # a number, or the id of a population
    pct: float | None = None  # as published; checked, never used in place of n/N
    ci: tuple[float, float] | None = None  # stated 95% CI of the percentage
    decimals: int | None = Field(default=None, ge=0, le=4)  # default: those of pct as written, else study's
    label: str = ""

    @field_validator("ci")
    @classmethod
    def _ordered(cls, v):
        if v is not None and v[0] > v[1]:
            raise ValueError(f"CI bounds out of order: {v[0]} > {v[1]}")
        return v


class Estimate(Strict):
    """A point estimate, e.g. a landmark survival rate or a hazard ratio, with an optional 95% CI
    and the number of patients it rests on."""

    kind: Literal["estimate"] = "estimate"
    value: float
    unit: str | None = None  # percent, months, ratio, ... or one declared under units: (None: no unit)
    ci: tuple[float, float] | None = None
    n: int | None = Field(default=None, ge=0)
    population: str | None = None  # the population the n is part of (checked: n <= its n)
    decimals: int | None = Field(default=None, ge=0, le=4)  # default: the most written in value and ci
    label: str = ""

    _unit_def: Unit | None = PrivateAttr(default=None)  # a declared unit's labels, set by loading

    @field_validator("unit", mode="before")
    @classmethod
    def _alias(cls, v):
        return _unit(v)

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
    kind: Literal["pvalue"] = "pvalue"
    p: float = Field(gt=0, le=1)
    op: Literal["<", "=", "≤", ">"] = "="
    decimals: int | None = Field(default=None, ge=0, le=6)  # default: as written (0.01 -> 2)


class Number(Strict):
    kind: Literal["number"] = "number"
    number: float
    unit: str | None = None
    decimals: int | None = Field(default=None, ge=0, le=4)  # default: as written (34 -> 0, 34.0 -> 1)
    label: str = ""

    _unit_def: Unit | None = PrivateAttr(default=None)  # a declared unit's labels, set by loading

    @field_validator("unit", mode="before")
    @classmethod
    def _alias(cls, v):
        return _unit(v)


Leaf = Union[Count, Estimate, PValue, Number]


class TableRow(Strict):
    term: str
    level: Literal["soc", "pt"] = "pt"
    n: list[int]


class DataTable(Strict):
    """n per column; each column is a population whose n is the denominator."""

    columns: list[str]
    rows: list[TableRow]

    @model_validator(mode="after")
    def _widths(self):
        for i, row in enumerate(self.rows):
            if len(row.n) != len(self.columns):
                raise ValueError(f"row {i + 1} ({row.term}) has {len(row.n)} values for {len(self.columns)} columns")
        return self


class Patients(Strict):
    """Patient-level rows: follow-up time and event (1) or censoring (0); estimated with lifelines."""

    time: list[float] = []
    event: list[int] = []
    file: str = ""  # or a CSV with columns time,event (relative to the deck folder)


class CurveData(Strict):
    """A survival curve as statisticians deliver it (steps, censor times, at-risk counts), or
    patient-level rows to estimate it from. Survival is a proportion (0-1)."""

    time: list[float] = []
    survival: list[float] = []
    censored: list[float] = []
    at_risk: list[tuple[float, int]] = []  # (time, patients at risk)
    patients: Patients | None = None

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
    name: str
    decimals: int = Field(default=1, ge=0, le=4)


class Study(Strict):
    study: StudyInfo
    units: dict[str, Unit] = {}
    populations: dict[str, Population] = {}
    results: dict = {}  # a tree whose leaves are Count / Estimate / PValue / Number, see loading.study
    tables: dict[str, DataTable] = {}
    curves: dict[str, CurveData] = {}
