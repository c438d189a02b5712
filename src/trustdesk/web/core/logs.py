"""Logging filters for the project's LOGGING setting."""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    """A refused request (4xx) is logged as one line with its reason, never with a traceback.

    Django logs a PermissionDenied (and a few other refusals) with the exception attached, so each
    403 filled the log with a traceback that only says the rules worked. The reason stays, as
    text; server errors (5xx) keep their tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            error = record.exc_info[1]
            record.exc_info = None
            record.exc_text = None
            if error is not None and str(error) and isinstance(record.args, tuple):
                record.msg = f"{record.msg} (%s)"
                record.args = (*record.args, str(error))
        return True
