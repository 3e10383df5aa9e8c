"""The file system seam: local paths and fsspec URIs (s3://, gs://, abfs://), written atomically.

atomic.py   every file the project writes (tables, models, reports, logs) goes through it: written
            under a temporary name beside its destination and renamed into place when complete,
            so a reader never sees half a file and a failed run leaves nothing behind.

It imports nothing heavy, so the API's serving image (no pandas) can use it too.
"""
