#!/usr/bin/python3
"""How far below the naive baselines can a 24-h forecast of an ETT column get? Reference bounds.

    /usr/bin/python3 tools/ett_forecast_bounds.py [--input ETTh2.csv] [--horizon 24]

For every column, MAE relative to persistence (y[t]) over the rows ett_eval.py scores (four-week
warm-up), of:
  lad_in_sample   a linear model of y[t+H] - y[t] on 11 features of the column's own past (level
                  deviations from the daily/weekly/4-week means, short differences, the 7-day
                  profile of the target hour, the weekly seasonal naive) FITTED ON THE SCORED ROWS
                  THEMSELVES by least absolute deviations (what MAE rewards): a ceiling no causal
                  linear model of these features can beat on average;
  +exogenous      the same plus 3 features of each other column (the loads for OT);
  half->half      the +exogenous model fitted on the first half, scored on the second (honest);
  gbm half<->half (--nonlinear) gradient-boosted trees (scikit-learn, absolute loss) on the +exogenous
                  features plus the hour of day and 47 lags of the column: fitted on one half, scored
                  on the other, both ways; whether a nonlinear model of the same past finds what the
                  linear ones miss;
  oracle_mean     the realised mean of the 24 h ending at the target (FUTURE information) plus
                  the last week's average hour-of-day deviation: what a perfect forecast of
                  tomorrow's daily level would reach.
The gap between oracle_mean and the rest is the day-to-day level change (weather-driven for OT),
which the column's past and the loads do not predict.
"""
import argparse
import csv
import os

import numpy as np


def lag(v, k):
    o = np.empty_like(v)
    if k <= 0:
        return v.copy()
    o[k:] = v[:-k]
    o[:k] = v[0]
    return o


def rmean(v, k):
    c = np.cumsum(np.concatenate([[0.0], v]))
    t = np.arange(len(v))
    a = np.maximum(0, t - k + 1)
    return (c[t + 1] - c[a]) / (t + 1 - a)


def lad(F, y, iters=50):
    """Least absolute deviations by iteratively reweighted least squares."""
    w = np.linalg.lstsq(F, y, rcond=None)[0]
    for _ in range(iters):
        r = np.abs(y - F @ w)
        wt = 1.0 / np.maximum(r, 1e-3)
        Fw = F * wt[:, None]
        w = np.linalg.solve(F.T @ Fw + 1e-6 * np.eye(F.shape[1]), Fw.T @ y)
    return w


def own_features(y, H, D):
    m, m7, m28 = rmean(y, D), rmean(y, 7 * D), rmean(y, 28 * D)
    dev = y - m
    k = (H + D - 1) // D
    prof = np.mean([lag(dev, k * D - H + j * D) for j in range(7)], axis=0)
    F = [np.ones(len(y)), y - m, m - m7, m7 - m28, y - lag(y, 1), y - lag(y, 3), y - lag(y, 6), y - lag(y, 12),
         lag(y, 1) - lag(y, D), lag(y, 7 * D - H) - y, prof - dev]
    return np.array(F).T


def trees_half(F, fit_rows, score_rows, fit_tgt, score_tgt):
    """Gradient-boosted trees fitted on fit_rows, MAE on score_rows over that of persistence there."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    model = HistGradientBoostingRegressor(loss="absolute_error", max_iter=300, learning_rate=0.05,
                                          max_leaf_nodes=15, min_samples_leaf=40, random_state=0)
    model.fit(F[fit_rows], fit_tgt)
    return np.mean(np.abs(score_tgt - model.predict(F[score_rows]))) / np.mean(np.abs(score_tgt))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=os.path.join(os.environ.get("NERVE_DATA_DIR", "../shared/data"), "ett/ETTh2.csv"))
    ap.add_argument("--horizon", type=int, default=24)
    ap.add_argument("--day", type=int, default=24)
    ap.add_argument("--nonlinear", action="store_true", help="add the gradient-boosted trees column (~5 min on 1 core)")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.input)))
    cols = [c for c in rows[0].keys() if c != "date"]
    X = np.array([[float(r[c]) for c in cols] for r in rows])
    H, D = a.horizon, a.day
    n = len(X)
    idx = np.arange(28 * D, n - H)
    gbm_head = f" {'gbm half<->half':>16}" if a.nonlinear else ""
    print(f"{'column':8} {'lad_in_sample':>14} {'+exogenous':>11} {'half->half':>11}{gbm_head} {'oracle_mean':>12}")
    for ci, c in enumerate(cols):
        y = X[:, ci]
        tgt = y[idx + H] - y[idx]
        pers = np.mean(np.abs(tgt))
        Fu = own_features(y, H, D)
        ex = []
        for cj in range(len(cols)):
            if cj == ci:
                continue
            x = X[:, cj]
            mx = rmean(x, D)
            ex += [x - mx, mx - rmean(x, 7 * D), x - lag(x, D)]
        Fe = np.hstack([Fu, np.array(ex).T])
        r_u = np.mean(np.abs(tgt - Fu[idx] @ lad(Fu[idx], tgt))) / pers
        r_e = np.mean(np.abs(tgt - Fe[idx] @ lad(Fe[idx], tgt))) / pers
        h = len(idx) // 2
        w = lad(Fe[idx[:h]], tgt[:h])
        r_h = np.mean(np.abs(tgt[h:] - Fe[idx[h:]] @ w)) / np.mean(np.abs(tgt[h:]))
        gbm = ""
        if a.nonlinear:
            lags = np.array([lag(y, j) - y for j in range(1, 2 * D)]).T
            Fn = np.hstack([Fe, (np.arange(n) % D)[:, None], lags])
            gbm = " " + "/".join(f"{r:.3f}" for r in (trees_half(Fn, idx[:h], idx[h:], tgt[:h], tgt[h:]),
                                                     trees_half(Fn, idx[h:], idx[:h], tgt[h:], tgt[:h]))).rjust(16)
        m = rmean(y, D)
        k = (H + D - 1) // D
        prof = np.mean([lag(y - m, k * D - H + j * D) for j in range(7)], axis=0)
        r_o = np.mean(np.abs(m[idx + H] + prof[idx] - y[idx + H])) / pers
        print(f"{c:8} {r_u:14.3f} {r_e:11.3f} {r_h:11.3f}{gbm} {r_o:12.3f}", flush=True)


if __name__ == "__main__":
    main()
