"""The entry script of the web app: `streamlit run` runs it from the top on every interaction.

Start it with `{{ cookiecutter.project_slug }} ui`, which passes the port and address.
"""

from {{ cookiecutter.package_name }}.ui.main import main

main()
