"""Dates as files hold them: one reading for `schema infer` and validation, so that a file always
matches the schema drafted from it."""

from __future__ import annotations

import pandas as pd


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates whatever their shape (2024-03-31, 03/31/2024, Mar 31 2024, with a time or an offset:
    its local day), as timestamps without a time zone; NaT where a value is not a date."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        try:
            parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        except (TypeError, ValueError):  # offsets that differ from row to row
            parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")  # one unit, whatever pandas inferred
