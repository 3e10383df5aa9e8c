"""The modelling steps: plain functions and classes that the workflows put together.

training.py     split, fit and score a candidate (the pipeline of features.py and problem.py)
evaluation.py   metrics and plots of a model on labelled data
scoring.py      predictions for a DataFrame, or for files of any size, chunk by chunk
predictors.py   a loaded model that predicts records or columns (ONNX Runtime; no pandas)
loading.py      which predictor serves a version: its ONNX export, else its pickle
onnx_export.py  the ONNX export made at training time, and its parity check
contract.py     what problem.py must provide (`ProblemModule`), checked by the type checker

Nothing here knows of the command line, HTTP or orchestrators, nor of which workflow calls it.
"""
