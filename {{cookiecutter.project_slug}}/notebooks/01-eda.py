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
# # Exploring the customer data
#
# The package generates its own sample dataset (synthetic customers, the same for the same seed), so
# this notebook runs anywhere, offline. It imports the package instead of copying code from it: when
# a cell here becomes useful twice, move it into `src/` with a test.

# %%
import matplotlib.pyplot as plt

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.sample_data import make_dataset
from {{ cookiecutter.package_name }}.schema import CATEGORICAL_FEATURES, NUMERIC_FEATURES

TARGET = problem.TARGET.name
table = make_dataset(10_000, seed=42)
table.head()

# %% [markdown]
# ## Types, ranges and missing values

# %%
table.describe(include="all").transpose()

# %%
missing = table.isna().mean().sort_values()
ax = missing.plot.barh(title="Share of missing values per column")
ax.set_xlabel("share of rows")

# %% [markdown]
# ## The target

# %%
ax = table[TARGET].plot.hist(bins=30, title=f"Distribution of {TARGET}")
ax.set_xlabel(TARGET)

# %% [markdown]
# ## Numeric features: distributions and correlation with the target

# %%
table[NUMERIC_FEATURES].hist(bins=30, figsize=(12, 6))
plt.tight_layout()

# %%
correlation = table[[*NUMERIC_FEATURES, TARGET]].corr()[TARGET].drop(TARGET)
ax = correlation.sort_values().plot.barh(title=f"Correlation with {TARGET}")
ax.axvline(0, color="black", linewidth=1)

# %% [markdown]
# ## Categorical features: the target's mean in each category

# %%
fig, axes = plt.subplots(1, len(CATEGORICAL_FEATURES), figsize=(14, 4), sharey=True)
for ax, column in zip(axes, CATEGORICAL_FEATURES, strict=True):
    table.groupby(column)[TARGET].mean().plot.bar(ax=ax, title=column)
axes[0].set_ylabel(f"mean {TARGET}")
plt.tight_layout()
