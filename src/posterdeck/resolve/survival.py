"""Survival curves: as delivered (steps, censor times, at-risk counts) or estimated from
patient-level rows with lifelines (the optional 'survival' extra)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

from posterdeck.pagemodel.charts import Steps
from posterdeck.schema.study import CurveData


class SurvivalError(ValueError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def steps_of(data: CurveData, folder: Path, ticks: list[float]) -> Steps:
    if data.patients is not None:
        return _estimate(data, folder, ticks)
    time, surv = list(data.time), list(data.survival)
    if time[0] > 0:
        time, surv = [0.0] + time, [1.0] + surv
    median = next((t for t, s in zip(time, surv) if s <= 0.5), None)
    return Steps(tuple(time), tuple(surv), tuple(data.censored), tuple((float(t), n) for t, n in data.at_risk), median)


def _patients(data: CurveData, folder: Path) -> tuple[list[float], list[int]]:
    p = data.patients
    if not p.file:
        return list(p.time), list(p.event)
    path = folder / p.file
    if not path.is_file():
        raise SurvivalError(f"patient file not found: {p.file}", "give a CSV with columns time,event")
    times, events = [], []
    with path.open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), 2):
            try:
                times.append(float(row["time"]))
                events.append(int(row["event"]))
            except (KeyError, ValueError):
                raise SurvivalError(f"{p.file}:{i}: expected numeric columns time,event",
                                    "the header must be 'time,event'") from None
    return times, events


def _estimate(data: CurveData, folder: Path, ticks: list[float]) -> Steps:
    try:
        from lifelines import KaplanMeierFitter
    except ImportError:
        raise SurvivalError("patient-level curves need lifelines",
                            "install posterdeck with the survival extra: pip install 'posterdeck[survival]'") from None
    times, events = _patients(data, folder)
    if any(e not in (0, 1) for e in events):
        raise SurvivalError("patients.event must be 1 (event) or 0 (censored)")
    kmf = KaplanMeierFitter().fit(times, events)
    sf = kmf.survival_function_.iloc[:, 0]
    time = tuple(float(t) for t in sf.index)
    surv = tuple(float(s) for s in sf.values)
    median = float(kmf.median_survival_time_)
    at_risk = tuple((t, sum(1 for x in times if x >= t)) for t in ticks)
    censored = tuple(sorted(t for t, e in zip(times, events) if e == 0))
    return Steps(time, surv, censored, at_risk, None if math.isinf(median) else median)
