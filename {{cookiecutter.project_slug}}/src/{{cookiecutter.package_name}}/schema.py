"""The data this project learns from, declared once: every column, its kind and allowed values,
and the features derived from them.

Validation of files, the API's request schema, the embedded sample dataset, drift monitoring and
the tests all follow this file. To use your own data, let the command line draft it from a file:

    uv run {{ cookiecutter.project_slug }} schema infer data.csv --target COLUMN --force

then review it: descriptions, ranges, which class is positive. `schema infer --check` tells whether
a file still matches. This example describes customers of a subscription business.
"""

from .columns import Column, Schema, Target
from .columns.derived import bins, date_part, log, ratio

FEATURES = (
    Column(
        "tenure_months",
        "integer",
        "Months as a customer.",
        minimum=0,
        maximum=120,
        mean=24,
        std=20,
    ),
    Column(
        "monthly_charges",
        "number",
        "Current monthly bill.",
        minimum=0,
        maximum=500,
        mean=66,
        std=27,
    ),
    Column(
        "support_calls",
        "integer",
        "Support calls last quarter.",
        minimum=0,
        maximum=50,
        mean=1.3,
        std=1.1,
    ),
    Column(
        "satisfaction",
        "number",
        "Last survey score, 1-5.",
        minimum=1,
        maximum=5,
        nullable=True,
        missing_rate=0.06,
        mean=3.6,
        std=0.9,
    ),
    Column(
        "age",
        "number",
        "Age in years.",
        minimum=18,
        maximum=100,
        nullable=True,
        missing_rate=0.03,
        mean=45,
        std=14,
    ),
    Column(
        "contract",
        "category",
        "Contract length.",
        categories=("month-to-month", "one-year", "two-year"),
    ),
    Column(
        "payment_method",
        "category",
        "How the customer pays.",
        categories=("card", "bank-transfer", "electronic-check", "mailed-check"),
    ),
    Column(
        "region",
        "category",
        "Sales region.",
        categories=("north", "south", "east", "west"),
        nullable=True,
        missing_rate=0.02,
    ),
    Column(
        "signup_date",
        "date",
        "Day the customer signed up (YYYY-MM-DD).",
        earliest="2015-01-01",
        latest="2025-12-31",
    ),
)
{%- if cookiecutter.problem_type == "classification" %}
TARGET = Target(
    "churned",
    "category",
    "1 if the customer left within a month, else 0.",
    classes=(0, 1),
    positive=1,  # the model's `probability` is the probability of this class
    threshold=0.5,  # the class predicted is `positive` from this probability up
)
{%- else %}
TARGET = Target(
    "next_year_spend",
    "number",
    "Spend over the next 12 months.",
    minimum=0,
    mean=700,
    std=400,
)
{%- endif %}

# Features computed from the columns above, for training and every predictor alike (batches,
# Spark, the API, the app, drift): ratio, difference, log, bins and date_part, in
# columns/derived.py. The model reads them; a date column reaches it only through them.
DERIVED = (
    ratio("calls_per_tenure_month", "support_calls", "tenure_months", "Calls per month of tenure."),
    log("log_monthly_charges", "monthly_charges", "The monthly bill on a log scale."),
    bins("age_band", "age", (30, 45, 60), "Age band."),
    date_part("signup_month", "signup_date", "month", description="Month of sign-up, 1-12."),
    date_part("signup_weekday", "signup_date", "weekday", description="Monday 0 to Sunday 6."),
    date_part(
        "days_since_launch",
        "signup_date",
        "days_since",
        since="2015-01-01",
        description="Days from the launch to sign-up.",
    ),
)

SCHEMA = Schema(FEATURES, TARGET, DERIVED)
