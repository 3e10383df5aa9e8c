"""Page: score an uploaded file, see the first rows, download the predictions.

The file is scored once per upload (not again on each interaction: downloading is one), in the
upload's format. The largest upload is server.maxUploadSize in .streamlit/config.toml. The
predictions wait on disk and are read when the download is clicked (ui/scoring.py).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.ui.scoring import ScoredFile, give_back_memory
from {{ cookiecutter.package_name }}.ui.show import literal, reported
from {{ cookiecutter.package_name }}.ui.views import Context

SCORED = "scored-upload"  # session state: (the upload's id, its ScoredFile)


def scored(context: Context, upload: UploadedFile) -> ScoredFile | None:
    """The upload's predictions: from this session's last scoring of it, else scored now."""
    kept = st.session_state.get(SCORED)
    if isinstance(kept, tuple) and kept[0] == upload.file_id:
        result: ScoredFile = kept[1]
        return result
    st.session_state.pop(SCORED, None)  # the last upload's predictions are let go first
    scored_now = None
    try:
        with reported("scoring the file"):
            scored_now = context.scorer.score_file(upload.name, upload)
            st.session_state[SCORED] = (upload.file_id, scored_now)
    finally:
        give_back_memory()
    return scored_now


def render(context: Context) -> None:
    st.header("Score a file")
    st.caption(
        literal(
            f"A table with the schema's columns, scored by {context.scorer.where}. The"
            " download holds its columns and the predictions, in the same format."
        )
    )
    # Any file is accepted here: the core refuses other types with the CLI's message.
    upload = st.file_uploader("CSV, Parquet or JSON lines", key="upload")
    if upload is None:
        return
    with st.spinner("Scoring…"):
        result = scored(context, upload)
    if result is None:
        return
    st.success(literal(f"Scored {result.rows:,} rows with model {result.version}."))
    if result.note:
        st.info(literal(f"The download {result.note}."))
    predicted = [name for name in problem.PREDICTION_COLUMNS if name in result.preview]
    others = [name for name in result.preview.columns if name not in predicted]
    st.dataframe(result.preview[[*predicted, *others]], hide_index=True)  # predictions first
    st.download_button(
        "Download the predictions",
        result.data,
        file_name=result.name,
        mime=result.mime,
        type="primary",
        on_click="ignore",
    )
