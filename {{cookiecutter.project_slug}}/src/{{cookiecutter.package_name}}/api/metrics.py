"""Prometheus metrics of the service, served on /metrics.

Under gunicorn (several worker processes) `PROMETHEUS_MULTIPROC_DIR` is set by gunicorn.conf.py and
/metrics aggregates every worker; otherwise each app has a registry of its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)


class ServiceMetrics:
    """Traffic, latency, and what drift monitoring needs: predictions, missing inputs.

    `prediction_buckets` are the reference profile's decile edges of the monitored prediction, so
    while the inputs look like the training data, each bucket receives about a tenth of the
    predictions; a dashboard that sees the shares move sees the predictions drift.
    """

    def __init__(self, prediction_buckets: Sequence[float] = ()) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests by endpoint and status.",
            ["method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer a request.",
            ["endpoint"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.predictions = Counter(
            "model_predictions_total",
            "Records scored, by model version.",
            ["model_version"],
            registry=self.registry,
        )
        self.prediction_values = Histogram(
            "model_prediction",
            "The monitored prediction (see problem.MONITORED_PREDICTION) of each record scored.",
            registry=self.registry,
            buckets=(*prediction_buckets, float("inf"))
            if prediction_buckets
            else Histogram.DEFAULT_BUCKETS,
        )
        self.missing_inputs = Counter(
            "model_input_missing_total",
            "Records scored with this feature missing; divide by model_predictions_total.",
            ["feature"],
            registry=self.registry,
        )
        self.reference_missing_rate = Gauge(
            "model_reference_missing_rate",
            "Share of training rows with this feature missing, for the model in use.",
            ["feature"],
            registry=self.registry,
            multiprocess_mode="max",
        )
        self.reloads = Counter(
            "model_reloads_total",
            "Times a worker started serving a newly promoted (or rolled back) model.",
            registry=self.registry,
        )
        self.current_refused = Gauge(
            "model_current_refused",
            "1 while CURRENT names a model that failed its checks (an older one keeps serving).",
            registry=self.registry,
            multiprocess_mode="max",
        )

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
