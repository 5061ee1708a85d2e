"""How long an unfinished run has been going, in the few steps its status message shows.

Each step is one edit of the message, so a long run costs a handful of edits in all,
and what the message says ("running for over 15 min") stays true until the next step.
"""

from __future__ import annotations

# (seconds since dispatch, how the message says it)
PROGRESS_MARKS: tuple[tuple[float, str], ...] = (
    (60.0, "1 min"),
    (300.0, "5 min"),
    (900.0, "15 min"),
    (3600.0, "1 hour"),
)


def marks_passed(age: float, marks: tuple[tuple[float, str], ...] = PROGRESS_MARKS) -> int:
    """How many of `marks` a run `age` seconds old has passed."""
    return sum(1 for seconds, _ in marks if age >= seconds)


def progress_label(shown: int) -> str | None:
    """The words for the last mark shown (`shown` marks passed), or None before the first."""
    if shown <= 0:
        return None
    return PROGRESS_MARKS[min(shown, len(PROGRESS_MARKS)) - 1][1]
