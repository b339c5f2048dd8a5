#!/usr/bin/env python3
"""Writes statsmodels' Holt-Winters reference forecasts for the Swift tests (run by hand).

  pip install statsmodels && scripts/fetch_sklearn_data.sh && python3 scripts/make_statsmodels_fixtures.py

Series (from the statsmodels wheel, extracted by fetch_sklearn_data.sh): elnino (monthly sea
temperature, additive seasonality) and elec_equip (monthly index, multiplicative). For each:
ExponentialSmoothing(trend="add", seasonal=..., seasonal_periods=12) point forecasts 24 steps
ahead, its in-sample SSE, and 95% intervals from the ETS state-space form of the same model.
"""
import csv, json, os
import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing

ROOT = os.path.join(os.path.dirname(__file__), "..")
DATA = os.path.join(ROOT, "data", "statsmodels")


def elnino():
    rows = list(csv.reader(open(os.path.join(DATA, "elnino.csv"))))[1:]
    return [float(v) for row in rows for v in row[1:]]


def elec_equip():
    rows = list(csv.reader(open(os.path.join(DATA, "elec_equip.csv"))))[1:]
    return [float(row[1]) for row in rows]


cases = []
for name, series, seasonal in [("elnino", elnino(), "add"), ("elec_equip", elec_equip(), "mul")]:
    # ETS prediction intervals need a date-indexed series (statsmodels fails on bare arrays).
    y = pd.Series(series, index=pd.date_range("2000-01-01", periods=len(series), freq="MS"))
    fit = ExponentialSmoothing(y, trend="add", seasonal=seasonal, seasonal_periods=12).fit()
    ets = ETSModel(y, error="add", trend="add", seasonal=seasonal, seasonal_periods=12).fit(disp=False)
    frame = ets.get_prediction(start=len(y), end=len(y) + 23).summary_frame(alpha=0.05)
    lower, upper = frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()
    cases.append({"series": name, "seasonal": "additive" if seasonal == "add" else "multiplicative", "length": len(y),
                  "forecast": fit.forecast(24).to_numpy().tolist(), "sse": float(fit.sse),
                  "ets_lower": lower.tolist(), "ets_upper": upper.tolist()})
with open(os.path.join(ROOT, "Tests", "LearnersTests", "Fixtures", "statsmodels_holt_winters.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
print("wrote statsmodels fixtures")
