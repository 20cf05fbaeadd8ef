"""The day the build counts as today: it decides whether the event is still to come.

Light on imports: the no-change build reads it (a new day can change the output) before Jinja is loaded."""

from __future__ import annotations

import datetime as dt
import os

from .errors import ContentError


def build_date() -> dt.date:
    """The day the build counts as today: SOURCE_DATE_EPOCH's (UTC) when set, for reproducible builds and tests,
    else the system's. It decides whether the event is still to come."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise ContentError(
            "SOURCE_DATE_EPOCH",
            None,
            None,
            f"{epoch!r} is not a Unix time",
            "set it to a number of seconds such as 1681430400, or unset it",
        ) from None
