"""Refuse bad answers before anything is baked.

Cookiecutter runs this after rendering the answers and before writing any file; a non-zero exit
makes it delete the project directory it has just created, so a refused bake leaves nothing behind.
Every check is a small function that returns the problems it found; `main()` runs them all and
reports every problem at once, so a person fixes their answers in one go.

Pure Python and standard library only: it runs on Linux, macOS and Windows, under whatever Python
runs cookiecutter. Tests import this module and call the checks directly.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# Cookiecutter renders this literal. JSON never holds three quotes in a row, so no answer ends it.
RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PACKAGE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# PEP 440, appendix B (the same pattern `packaging.version` uses).
PEP440_PATTERN = re.compile(
    r"""^\s*v?
    (?:(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?P<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?)
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)

CHOICES = {
    "problem_type": ("classification", "regression"),
    "api": ("flask", "none"),
    "serverless": ("none", "aws-lambda", "gcp-functions", "azure-functions"),
    "managed_endpoint": ("none", "azure-ml"),
    "ui": ("none", "streamlit"),
    "batch_engine": ("pandas", "spark"),
    "tracking": ("none", "mlflow"),
    "orchestrator": ("none", "airflow", "dagster", "cron"),
    "python_version": ("3.10", "3.11", "3.12", "3.13"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"),
    "ci_provider": ("github", "gitlab", "none"),
}

# Import names that the generated project installs, or that its tools use: a package named like one
# of them would shadow the real library for everything in the project's environment.
SHADOWED_DEPENDENCIES = frozenset(
    {
        "airflow", "azure", "click", "dagster", "flask", "functions_framework", "gunicorn",
        "jinja2", "joblib", "jupyter", "jupytext", "matplotlib", "mlflow", "nox", "numpy",
        "pandas", "pandera", "py4j", "pyarrow", "pydantic", "pydantic_settings", "pyspark",
        "pytest", "sqlalchemy",
        "requests", "ruff", "scipy", "seaborn", "selenium", "sklearn", "src", "streamlit", "tests",
        "tqdm", "typer", "uv", "werkzeug",
    }
)  # fmt: skip

# `sys.stdlib_module_names` leaves out the standard library's own `test` package.
STDLIB_MODULES = frozenset(sys.stdlib_module_names) | {"test"}

TEXT_FIELDS = ("project_name", "description", "author_name")
# Names are typed in every import and command; longer ones also break the 100-column line limit.
MAX_NAME_LENGTH = 40


@dataclass(frozen=True)
class Problem:
    """One refused answer: which field, what value, which rule, and what to type instead."""

    field: str
    value: object
    rule: str
    suggestion: str = ""

    def __str__(self) -> str:
        message = f"{self.field}={self.value!r}: {self.rule}"
        return f"{message}. Try: {self.suggestion}" if self.suggestion else message


@dataclass(frozen=True)
class Requirement:
    """An unsupported combination: `option=value` only works when `needs` has one of `allowed`."""

    option: str
    value: str
    needs: str
    allowed: tuple[str, ...]
    because: str = ""  # why, when the rule is not obvious from the names


# Combinations that cannot work together.
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(option="serverless", value="aws-lambda", needs="api", allowed=("flask",)),
    Requirement(option="serverless", value="gcp-functions", needs="api", allowed=("flask",)),
    Requirement(option="serverless", value="azure-functions", needs="api", allowed=("flask",)),
    Requirement(option="managed_endpoint", value="azure-ml", needs="api", allowed=("flask",)),
    *(
        Requirement(
            option="tracking",
            value="mlflow",
            needs=target,
            allowed=("none",),
            because="its deployment bundle ships a models folder, not a model registry",
        )
        for target in ("serverless", "managed_endpoint")
    ),
)


def suggest_slug(slug: str) -> str:
    """The nearest valid slug: lowercase, hyphens for anything else, a letter first."""
    ascii_only = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_only.lower())
    candidate = "-".join(words).lstrip("0123456789-")
    return candidate or "my-project"


def check_text_fields(answers: Mapping[str, object]) -> list[Problem]:
    problems = []
    for field in TEXT_FIELDS:
        value = str(answers.get(field, ""))
        if not value.strip():
            problems.append(Problem(field, value, "must not be empty", f'{field}="My value"'))
        elif any(unicodedata.category(char) == "Cc" for char in value):
            cleaned = " ".join("".join(c if c.isprintable() else " " for c in value).split())
            problems.append(
                Problem(field, value, "must be one line without control characters", repr(cleaned))
            )
    return problems


def check_project_slug(answers: Mapping[str, object]) -> list[Problem]:
    slug = str(answers.get("project_slug", ""))
    if len(slug) > MAX_NAME_LENGTH:
        rule = f"must be at most {MAX_NAME_LENGTH} characters, not {len(slug)}"
        return [
            Problem("project_slug", slug, rule, f"project_slug={slug[:MAX_NAME_LENGTH].strip('-')}")
        ]
    if SLUG_PATTERN.match(slug):
        return []
    rule = (
        "must be lowercase ASCII letters and digits separated by single hyphens,"
        " starting with a letter"
        f" (it names the repository and the distribution; derived from project_name="
        f"{answers.get('project_name')!r} unless given)"
    )
    return [Problem("project_slug", slug, rule, f"project_slug={suggest_slug(slug)}")]


def check_package_name(answers: Mapping[str, object]) -> list[Problem]:
    name = str(answers.get("package_name", ""))
    suggestion = f"package_name={suggest_slug(name).replace('-', '_')}"
    if len(name) > MAX_NAME_LENGTH:
        rule = f"must be at most {MAX_NAME_LENGTH} characters, not {len(name)}"
        return [Problem("package_name", name, rule, f"package_name={name[:MAX_NAME_LENGTH]}")]
    if not PACKAGE_PATTERN.match(name):
        rule = (
            "must be a lowercase Python identifier: ASCII letters, digits and underscores,"
            " starting with a letter"
        )
        return [Problem("package_name", name, rule, suggestion)]
    if keyword.iskeyword(name):
        return [
            Problem("package_name", name, "is a Python keyword", f"package_name={name}_project")
        ]
    if name in STDLIB_MODULES:
        rule = "would shadow the standard-library module of the same name"
        return [Problem("package_name", name, rule, f"package_name={name}_project")]
    if name in SHADOWED_DEPENDENCIES:
        rule = "would shadow a library the generated project depends on"
        return [Problem("package_name", name, rule, f"package_name={name}_project")]
    return []


def check_email(answers: Mapping[str, object]) -> list[Problem]:
    email = str(answers.get("email", ""))
    if EMAIL_PATTERN.match(email):
        return []
    return [Problem("email", email, "must look like name@domain.tld", "email=team@example.com")]


def check_version(answers: Mapping[str, object]) -> list[Problem]:
    version = str(answers.get("version", ""))
    if PEP440_PATTERN.match(version):
        return []
    return [Problem("version", version, "must be a PEP 440 version such as 0.1.0", "version=0.1.0")]


def check_choices(answers: Mapping[str, object]) -> list[Problem]:
    problems = []
    for field, allowed in CHOICES.items():
        value = answers.get(field)
        if value not in allowed:
            rule = f"must be one of {', '.join(allowed)}"
            problems.append(Problem(field, value, rule, f"{field}={allowed[0]}"))
    return problems


def check_combinations(
    answers: Mapping[str, object], requirements: tuple[Requirement, ...] = REQUIREMENTS
) -> list[Problem]:
    """Judge a rule only when both its options are answered (pairwise tests pass partial rows)."""
    problems = []
    for req in requirements:
        if req.option not in answers or req.needs not in answers:
            continue
        if answers[req.option] == req.value and answers[req.needs] not in req.allowed:
            rule = (
                f"needs {req.needs} to be {' or '.join(req.allowed)},"
                f" but {req.needs}={answers.get(req.needs)!r}"
                + (f" ({req.because})" if req.because else "")
            )
            suggestion = f"{req.needs}={req.allowed[0]}, or choose another {req.option}"
            problems.append(Problem(req.option, req.value, rule, suggestion))
    return problems


CHECKS: tuple[Callable[[Mapping[str, object]], list[Problem]], ...] = (
    check_text_fields,
    check_project_slug,
    check_package_name,
    check_email,
    check_version,
    check_choices,
    check_combinations,
)


def find_problems(answers: Mapping[str, object]) -> list[Problem]:
    return [problem for check in CHECKS for problem in check(answers)]


def main() -> int:
    problems = find_problems(json.loads(RENDERED_ANSWERS))
    if not problems:
        return 0
    lines = [f"ds-template: cannot bake this project ({len(problems)} problem(s)):"]
    lines += [f"  - {problem}" for problem in problems]
    lines.append("Nothing was written. Run cookiecutter again with the corrected answers.")
    print("\n".join(lines), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
