"""Errors a person can act on. Each message says what was wrong, with the value, and what to do.

The core raises them; each adapter decides how to show them (one line in the CLI, JSON over HTTP).
"""


class ProjectError(Exception):
    """Base class: anything the user can fix by changing input, settings or files."""


class DataError(ProjectError):
    """A data file cannot be read: missing, empty, or of an unsupported type."""


class DataValidationError(ProjectError):
    """The data does not match the input schema; `problems` lists every violation at once."""

    def __init__(self, problems: list[str], note: str = "") -> None:
        self.problems = problems
        after = f" ({note})" if note else ""
        if len(problems) == 1:  # one line, like every other error
            super().__init__(f"the data does not match the schema: {problems[0]}{after}")
            return
        listed = "\n".join(f"  - {problem}" for problem in problems)
        count = len(problems)
        super().__init__(f"the data does not match the schema ({count} problems{after}):\n{listed}")


class SchemaError(ProjectError):
    """`schema.py` declares something this project cannot use (a target of the wrong kind)."""


class ModelNotFoundError(ProjectError):
    """There is no model (yet) where one was asked for."""


class ArtifactError(ProjectError):
    """A saved model is refused: tampered, truncated, or made by incompatible library versions."""


class SettingMissingError(ProjectError):
    """A step needs a setting that has no value (and no sensible default)."""


class SettingsError(ProjectError):
    """A setting is unknown (a typo'd variable) or its value is invalid: bad usage, exit code 2."""
