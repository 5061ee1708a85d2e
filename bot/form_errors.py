"""jsonschema validation of input values → {block_id: message in plain words}."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry

from bot.form_fields import Field, FormSchema, Kind, Path
from bot.form_guard import validator_class_for
from bot.form_messages import error_message
from bot.form_regex import UncheckablePattern, pattern_matches
from bot.form_text import truncate, value_text

# One validation pass reports at most this many problems; the person fixes a few and resubmits.
_MAX_ERRORS = 200


def validate_inputs(form: FormSchema, input_values: Mapping[str, Any]) -> dict[str, str]:
    """Validate `input_values` against the form's schema; {} when valid, otherwise
    {block_id: message} with each message under the input it concerns."""
    validator = _validator(form.schema)
    errors: dict[str, str] = {}
    for count, error in enumerate(validator.iter_errors(dict(input_values))):
        if count >= _MAX_ERRORS:
            break
        for block_id, message in _placed(form, error):
            errors.setdefault(block_id, message)
    return errors


def _validator(schema: dict[str, Any]) -> Any:
    draft_class = validator_class_for(schema)
    # An empty registry: a $ref is only ever resolved inside this schema, never fetched.
    return _safe_class(draft_class)(
        schema, registry=Registry(), format_checker=_format_checker(draft_class)
    )


@cache
def _safe_class(validator_class: Any) -> Any:
    # `pattern` through a linear-time engine: Python's `re` can take forever on a hostile one.
    return validators.extend(validator_class, {"pattern": _pattern})  # type: ignore[no-untyped-call]


@cache
def _format_checker(validator_class: Any) -> Any:
    checker = FormatChecker(formats=())
    checker.checkers = dict(validator_class.FORMAT_CHECKER.checkers)
    checker.checks("regex", raises=re.error)(_compiles)
    return checker


def _compiles(instance: object) -> bool:
    # `format: regex` compiles what the person typed; Python's parser recurses per group.
    if not isinstance(instance, str):
        return True
    try:
        re.compile(instance)
    except RecursionError:
        return False
    return True


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    try:
        matches = pattern_matches(pattern, instance)
    except UncheckablePattern:
        matches = False  # prepare_schema refuses these; never let one through unchecked
    if not matches:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _placed(form: FormSchema, error: Any) -> Iterator[tuple[str, str]]:
    location = list(error.absolute_path)
    if error.validator in ("required", "dependentRequired", "dependencies"):
        missing = list(_missing_names(error))
        if missing:
            parent = _names(location)
            for name in missing:
                yield from _on_block(form, (*parent, name), "This field is required.")
            return

    field = _field_at(form, location)
    message = error_message(error, field)
    if field is not None and field.kind is Kind.LINES and len(location) > len(field.path):
        # Name the offending line by its text: blank lines were dropped, so numbers could lie.
        message = f"“{truncate(value_text(error.instance), 40)}”: {message}"
    yield from _on_block(form, field.path if field else (), message)


def _missing_names(error: Any) -> Iterator[str]:
    instance = error.instance
    if not isinstance(instance, Mapping):
        return
    if error.validator == "required":
        names: list[Any] = list(error.validator_value)
    else:  # dependentRequired / dependencies: {present property: [names it needs]}
        needs = error.validator_value
        names = [
            name
            for trigger, wanted in needs.items()
            if trigger in instance and isinstance(wanted, list)
            for name in wanted
        ]
    yield from (name for name in names if isinstance(name, str) and name not in instance)


def _on_block(form: FormSchema, path: Path, message: str) -> Iterator[tuple[str, str]]:
    # Errors only show under input blocks: a header, a constant or a property the form
    # does not know passes its message to the nearest input block at or above it.
    while True:
        field = form.by_path.get(path)
        if field is not None and field.has_input:
            yield field.block_id, message
            return
        target = form.first_input(path) if field is not None else None
        if target is not None:
            yield target.block_id, message
            return
        if not path:
            first = form.first_input()
            if first is not None:
                yield first.block_id, message
            return
        path = path[:-1]


def _field_at(form: FormSchema, location: list[Any]) -> Field | None:
    names = _names(location)
    for depth in range(len(names), 0, -1):
        field = form.by_path.get(names[:depth])
        if field is not None:
            return field
    return None


def _names(location: list[Any]) -> Path:
    # Property names lead the location; an array index ends the part that names a field.
    names: list[str] = []
    for step in location:
        if not isinstance(step, str):
            break
        names.append(step)
    return tuple(names)
