# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring the data
#
# The package generates a sample dataset from `schema.py` (the same rows for the same seed), so
# this notebook runs anywhere, offline, for whatever columns the schema declares. To explore your
# own data, replace the sample with `tables.read_table("data/raw/your-file.csv")`. The notebook
# imports the package instead of copying code from it: when a cell here becomes useful twice, move
# it into `src/` with a test.

# %%
import matplotlib.pyplot as plt

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.schema import SCHEMA

TARGET = SCHEMA.target.name
table = make_dataset(10_000, seed=42)
# One number per row to relate the features to: the target, or whether it is the positive class
# (with three or more classes, the most common one).
if SCHEMA.target.is_classes:
    focus = SCHEMA.target.positive if SCHEMA.target.is_binary else table[TARGET].mode()[0]
    outcome = (table[TARGET] == focus).astype(float)
    OUTCOME = f"share of {TARGET} = {focus!r}"
else:
    outcome = table[TARGET].astype(float)
    OUTCOME = f"mean {TARGET}"
table.head()

# %% [markdown]
# ## Types, ranges and missing values

# %%
table.describe(include="all").transpose()

# %%
missing = table.isna().mean().sort_values()
ax = missing.plot.barh(
    title="Share of missing values per column", figsize=(8, 2 + len(missing) / 4)
)
ax.set_xlabel("share of rows")

# %% [markdown]
# ## The target

# %%
if SCHEMA.target.is_classes:
    ax = table[TARGET].value_counts().plot.bar(title=f"Rows per class of {TARGET}")
else:
    ax = table[TARGET].plot.hist(bins=30, title=f"Distribution of {TARGET}")
ax.set_xlabel(TARGET)

# %% [markdown]
# ## Numeric features: distributions and correlation with the target

# %%
if SCHEMA.numeric:
    columns = min(len(SCHEMA.numeric), 4)
    rows = -(-len(SCHEMA.numeric) // columns)
    table[SCHEMA.numeric].hist(bins=30, figsize=(3.5 * columns, 2.5 * rows), layout=(rows, columns))
    plt.tight_layout()
else:
    print("schema.py declares no numeric feature")

# %%
if SCHEMA.numeric:
    correlation = table[SCHEMA.numeric].corrwith(outcome).sort_values()
    height = 2 + len(correlation) / 4
    ax = correlation.plot.barh(title=f"Correlation with {OUTCOME}", figsize=(8, height))
    ax.axvline(0, color="black", linewidth=1)

# %% [markdown]
# ## Categorical features: the target in each category

# %%
for column in SCHEMA.categorical:
    ax = outcome.groupby(table[column]).mean().plot.bar(title=column, figsize=(6, 3))
    ax.set_ylabel(OUTCOME)
    plt.show()
if not SCHEMA.categorical:
    print("schema.py declares no categorical feature")
