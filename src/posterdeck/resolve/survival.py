"""Survival curves: as delivered (steps, censor times, at-risk counts) or estimated from
patient-level rows with lifelines (the optional 'survival' extra)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

from posterdeck.pagemodel.charts import Steps
from posterdeck.schema.study import CurveData


# a patient file beyond these is refused before it is parsed: trials list thousands of patients
MAX_PATIENT_BYTES = 20 * 1024 * 1024
MAX_PATIENT_ROWS = 1_000_000


class SurvivalError(ValueError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def steps_of(data: CurveData, folder: Path, ticks: list[float], fence=None) -> Steps:
    if data.patients is not None:
        return _estimate(data, folder, ticks, fence)
    time, surv = list(data.time), list(data.survival)
    if time[0] > 0:
        time, surv = [0.0] + time, [1.0] + surv
    median = next((t for t, s in zip(time, surv) if s <= 0.5), None)
    return Steps(tuple(time), tuple(surv), tuple(data.censored), tuple((float(t), n) for t, n in data.at_risk), median)


def _patients(data: CurveData, folder: Path, fence=None) -> tuple[list[float], list[int]]:
    """The (time, event) pairs of a curve's patients: listed in study.yaml or read from a CSV
    file inside the project (``fence``), bounded in size and rows, every value a finite number."""
    p = data.patients
    if not p.file:
        return list(p.time), list(p.event)
    path = folder / p.file
    if fence is not None and not fence.inside(path):
        err = fence.problem(path, p.file, None, "patient file")
        raise SurvivalError(err.message, err.hint)
    if not path.is_file():
        raise SurvivalError(f"patient file not found: {p.file}", "give a CSV with columns time,event")
    size = path.stat().st_size
    if size > MAX_PATIENT_BYTES:
        raise SurvivalError(f"patient file {p.file} too large: {size:,} bytes (the limit is {MAX_PATIENT_BYTES:,})",
                            "give one row per patient: time,event")
    times, events = [], []
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            for i, row in enumerate(reader, 2):
                if i > MAX_PATIENT_ROWS + 1:
                    raise SurvivalError(f"patient file {p.file} has more than {MAX_PATIENT_ROWS:,} rows",
                                        "give one row per patient: time,event")
                try:
                    t, e = float(row["time"]), int(row["event"])
                except (KeyError, ValueError, TypeError):
                    raise SurvivalError(f"{p.file}:{i}: expected numeric columns time,event",
                                        "the header must be 'time,event'") from None
                if e not in (0, 1):
                    raise SurvivalError(f"{p.file}:{i}: event {row['event']!r} is neither 1 (an event) nor 0 (censored)",
                                        "write 1 where the patient had the event and 0 where follow-up was censored")
                if not math.isfinite(t) or t < 0:
                    raise SurvivalError(f"{p.file}:{i}: time {row['time']!r} is not a finite number of 0 or more",
                                        "write the follow-up time of each patient as a plain number")
                times.append(t)
                events.append(e)
    except UnicodeDecodeError as exc:
        raise SurvivalError(f"patient file {p.file} is not UTF-8 text ({exc.reason})",
                            "save it as UTF-8 CSV (comma-separated, header time,event)") from None
    except csv.Error as exc:
        raise SurvivalError(f"patient file {p.file} is not a readable CSV ({exc})",
                            "save it as comma-separated text with the header time,event") from None
    if not times:
        raise SurvivalError(f"patient file {p.file} has no patients", "give one row per patient: time,event")
    return times, events


def _estimate(data: CurveData, folder: Path, ticks: list[float], fence=None) -> Steps:
    try:
        from lifelines import KaplanMeierFitter
    except ImportError:
        raise SurvivalError("patient-level curves need lifelines",
                            "install posterdeck with the survival extra: pip install 'posterdeck[survival]'") from None
    times, events = _patients(data, folder, fence)
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
