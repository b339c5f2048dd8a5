#!/usr/bin/env python3
"""Writes statsmodels' Holt-Winters reference forecasts for the Swift tests (run by hand).

  pip install statsmodels && scripts/fetch_sklearn_data.sh && python3 scripts/make_statsmodels_fixtures.py

Series (from the statsmodels wheel, extracted by fetch_sklearn_data.sh): elnino (monthly sea
temperature, additive seasonality) and elec_equip (monthly index, multiplicative). For each:
ExponentialSmoothing(trend="add", seasonal=..., seasonal_periods=12) point forecasts 24 steps
ahead, its in-sample SSE, and 95% intervals from the ETS state-space form of the same model.
Also: the damped-trend form (damped_trend=True) of each, and AutoReg least-squares fits with
seasonal lags (coefficients, sigma², 24-step forecasts and 95% intervals).
"""
import csv, json, os
import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.ar_model import AutoReg
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
damped = []
for name, series, seasonal in [("elnino", elnino(), "add"), ("elec_equip", elec_equip(), "mul")]:
    fit = ExponentialSmoothing(np.asarray(series), trend="add", damped_trend=True, seasonal=seasonal, seasonal_periods=12).fit()
    damped.append({"series": name, "seasonal": "additive" if seasonal == "add" else "multiplicative", "length": len(series),
                   "forecast": fit.forecast(24).tolist(), "sse": float(fit.sse), "phi": float(fit.params["damping_trend"])})
autoreg = []
for name, series, lags, trend in [("elnino", elnino(), [1, 2, 12], "c"), ("elec_equip", elec_equip(), [1, 2, 12, 24], "ct")]:
    fit = AutoReg(np.asarray(series), lags=lags, trend=trend).fit()
    prediction = fit.get_prediction(start=len(series), end=len(series) + 23)
    interval = prediction.conf_int(alpha=0.05)
    autoreg.append({"series": name, "lags": lags, "trend": "linear" if trend == "ct" else "constant", "length": len(series),
                    "params": fit.params.tolist(), "sigma2": float(fit.sigma2), "forecast": prediction.predicted_mean.tolist(),
                    "lower": interval[:, 0].tolist(), "upper": interval[:, 1].tolist()})
with open(os.path.join(ROOT, "Tests", "LearnersTests", "Fixtures", "statsmodels_holt_winters.json"), "w") as f:
    json.dump({"cases": cases, "damped": damped, "autoreg": autoreg}, f, indent=1)
print("wrote statsmodels fixtures")
