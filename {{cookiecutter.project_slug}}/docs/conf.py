"""The documentation site (`uv run nox -s docs`): Markdown pages read by MyST, the PyData theme,
and reference pages generated from the code before each build (`reference.py`), into generated/.
"""

from __future__ import annotations

from pathlib import Path

from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.reference import write_pages

HERE = Path(__file__).parent
write_pages(HERE / "generated", load_settings())

# The project's name, as the home page's title gives it.
project = (HERE / "index.md").read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3  # links to a page's sections: page.md#a-section-title
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures show them; many name pandas' types, which we don't link
html_theme = "pydata_sphinx_theme"
html_title = project
html_theme_options = {"show_toc_level": 2, "navigation_with_keys": False}
html_static_path: list[str] = []
