"""`pattern` checks that cannot hang the process, whatever the schema's author wrote.

Python's `re` backtracks: `^(a+)+$` against a few dozen characters takes seconds and
cannot be interrupted. pydantic-core (already a dependency) matches with Rust's `regex`
crate, which runs in time linear in the input and refuses patterns that would compile
too big. The price: look-around and back-references are not supported, so a schema
using them is refused up front rather than checked slowly; and `\\d`, `\\w` also match
non-ASCII digits and letters, a little more lenient than JSON Schema's ECMA-262 rules.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic_core import SchemaError, SchemaValidator, core_schema

from bot.form_text import truncate

MAX_PATTERN_LENGTH = 1000


class UncheckablePattern(ValueError):
    """A `pattern` the bot will not run; the message says why, for people."""


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be checked safely, or None when it can."""
    try:
        _matcher(pattern)
    except UncheckablePattern as error:
        return str(error)
    return None


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether `pattern` is found anywhere in `text` (JSON Schema's unanchored search).

    Raises UncheckablePattern for a pattern that `pattern_problem` refuses.
    """
    return _matcher(pattern).isinstance_python(text)


@lru_cache(maxsize=512)
def _matcher(pattern: str) -> SchemaValidator:
    shown = truncate(pattern, 60)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UncheckablePattern(
            f"the pattern “{shown}” is longer than {MAX_PATTERN_LENGTH} characters"
        )
    try:
        return SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as error:
        raise UncheckablePattern(f"the pattern “{shown}” {_reason(str(error))}") from None


def _reason(message: str) -> str:
    # The engine's own last line says what it refused, e.g. "error: backreferences are
    # not supported"; a size refusal has no such line.
    if "size limit" in message:
        return "is too large to check"
    _, _, reason = message.rpartition("error: ")
    return f"cannot be checked safely ({truncate(reason.strip(), 100)})"
