"""Drift monitoring: a reference profile saved with each model, and new data compared with it.

profile.py   what the model learned from: per feature and for the prediction, saved at training
drift.py     the statistics (PSI, KS, chi-square, missing rates, Holm correction) and the verdict
report.py    the JSON report and a self-contained HTML report with a plot per drifted check
"""
