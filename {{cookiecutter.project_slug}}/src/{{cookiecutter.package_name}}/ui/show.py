"""How the pages show what went wrong: the core's message as it is written, never a traceback.

A `ProjectError` says what was wrong and what to do; the page shows it in a red box, and a schema
problem report as the list the CLI prints. Anything else is a bug: the page says so in one line,
the app's log gets the traceback, and the rest of the page and the app keep working.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from {{ cookiecutter.package_name }}.errors import DataValidationError, ProjectError

logger = logging.getLogger(__name__)
# Streamlit reads messages and labels as Markdown, where `*`, `$` (LaTeX), `<`, `:smile:` and an
# `_` at the edge of a word mean something. (An `_` inside a word does not: `tenure_months` stays
# as it is, in the page and in the label that screen readers read.)
MARKDOWN = re.compile(r"[\\`*~\[\]<>$|#]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|:(?=[A-Za-z])")


def literal(text: str) -> str:
    """`text` escaped, so that Markdown shows it as it is (a column named `_id`, a `$`)."""
    return MARKDOWN.sub(lambda match: "\\" + match.group(), text)


def show_error(error: ProjectError) -> None:
    if isinstance(error, DataValidationError) and len(error.problems) > 1:
        heading = str(error).splitlines()[0]
        listed = [f"- {literal(problem)}" for problem in error.problems]
        st.error("\n".join([literal(heading), "", *listed]))
        return
    st.error(literal(str(error)))


@contextmanager
def reported(action: str) -> Iterator[None]:
    """Run a step of a page; an error is shown in its place, and the page goes on."""
    try:
        yield
    except ProjectError as error:
        show_error(error)
    except Exception as error:  # a bug: say so on the page, keep the traceback in the log
        logger.exception("%s failed", action)
        st.error(literal(f"{action} failed unexpectedly ({type(error).__name__}: {error})"))
