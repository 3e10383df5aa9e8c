"""The web app (Streamlit): score a record or a file, read the model card and the drift report.

app.py       the entry script, which `streamlit run` runs again on every interaction
main.py      the settings, the scorer and the navigation between the pages
views/       one module per page (not `pages/`: Streamlit would take that folder for its own)
scoring.py   scoring with the model in the app (held by `store.current`, as the API holds
             it), and what every scorer gives back
{%- if cookiecutter.api == "flask" %}
remote.py    scoring through the API instead (when the ui.api_url setting is set)
{%- endif %}
settings.py  the `ui` group of the settings tree
reports.py   the evaluation plots and drift reports that the command line wrote
show.py      how errors and messages appear on a page

Like the CLI and the API, it is an adapter: pages read input and show results, the core validates
and predicts, and its errors (`ProjectError`s) are shown as they are written.
"""
