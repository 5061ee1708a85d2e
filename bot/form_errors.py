"""jsonschema validation of input values → {block_id: message in plain words}."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry

from bot.form_branches import infer_choices
from bot.form_fields import Field, FormSchema, Kind, Path
from bot.form_guard import validator_class_for
from bot.form_messages import MORE_THAN_ONE, error_message
from bot.form_regex import UncheckablePattern, pattern_matches
from bot.form_text import truncate, value_text

_REQUIRED = ("required", "dependentRequired", "dependencies")
_IS_REQUIRED = "This field is required."
# One validation pass reports at most this many problems; the person fixes a few and resubmits.
_MAX_ERRORS = 200

# A problem on a block: its message, and for "this is missing" the missing property's path.
_Placed = tuple[str, str, Path | None]


def validate_inputs(form: FormSchema, input_values: Mapping[str, Any]) -> dict[str, str]:
    """Validate `input_values` against the form's schema; {} when valid, otherwise
    {block_id: message} with each message under the input it concerns."""
    errors: dict[str, str] = {}
    for block_id, message, _ in _problems(form, input_values):
        errors.setdefault(block_id, message)
    return errors


def problem_of_field(form: FormSchema, input_values: Mapping[str, Any], field: Field) -> str | None:
    """What validate_inputs would show under `field`, leaving out that some other property
    is missing: a form half filled in is only judged on the field at hand."""
    for block_id, message, missing in _problems(form, input_values):
        if block_id == field.block_id and missing in (None, field.path):
            return message
    return None


def _problems(form: FormSchema, input_values: Mapping[str, Any]) -> Iterator[_Placed]:
    validator = _validator(form.schema)
    # Errors land on the blocks the person sees: those of the alternatives they chose.
    form = form.chosen(infer_choices(form, input_values))
    for count, error in enumerate(validator.iter_errors(dict(input_values))):
        if count >= _MAX_ERRORS:
            break
        yield from _placed(form, error)


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


def _placed(form: FormSchema, error: Any) -> Iterator[_Placed]:
    location = list(error.absolute_path)
    typed_as_json = _field_at(form, location)
    if typed_as_json is not None and typed_as_json.kind is Kind.JSON:
        inner = location[len(typed_as_json.path) :]
        if inner or error.validator in _REQUIRED:
            yield typed_as_json.block_id, _inside_json(error, inner), None
            return
    if error.validator in ("oneOf", "anyOf"):
        yield from _placed_alternatives(form, error, _names(location))
        return
    if error.validator in _REQUIRED:
        missing = list(_missing_names(error))
        if missing:
            parent = _names(location)
            for name in missing:
                path = (*parent, name)
                yield from _on_block(form, path, _IS_REQUIRED, missing=path)
            return

    field = _field_at(form, location)
    message = error_message(error, field)
    if field is not None and field.kind is Kind.LINES and len(location) > len(field.path):
        # Name the offending line by its text: blank lines were dropped, so numbers could lie.
        message = f"“{truncate(value_text(error.instance), 40)}”: {message}"
    yield from _on_block(form, field.path if field else (), message)


def _inside_json(error: Any, inner: list[Any]) -> str:
    # The person typed JSON: say where in it, by item number and key.
    where = ", ".join(
        f"item {step + 1}" if isinstance(step, int) else f"“{truncate(str(step), 40)}”"
        for step in inner
    )
    missing = list(_missing_names(error)) if error.validator in _REQUIRED else []
    message = error_message(error, None)
    if missing:
        message = f"“{truncate(missing[0], 40)}” is missing."
    return truncate(f"{where[:1].upper()}{where[1:]}: {message}" if where else message, 300)


def _placed_alternatives(form: FormSchema, error: Any, path: Path) -> Iterator[_Placed]:
    # No alternative fits: report what is wrong with the one the person is filling in
    # (the chosen one when the form offers a choice, else the closest), in its own words.
    branch_errors: dict[int, list[Any]] = {}
    for inner in error.context or ():
        branch_errors.setdefault(inner.relative_schema_path[0], []).append(inner)
    if not branch_errors:
        yield from _on_block(form, path, MORE_THAN_ONE)
        return

    selector = form.selectors.get(path)
    alternatives = error.validator_value
    if selector is not None and len(alternatives) == len(selector.choices):
        index = form.alternatives.get(selector.path, 0)
    elif all(inner.validator == "required" for inner in error.context):
        yield from _one_of_required(form, path, error.context)
        return
    else:
        index = min(branch_errors, key=lambda i: _closeness(branch_errors[i], i))
    for inner in branch_errors.get(index, []):
        yield from _placed(form, inner)


def _one_of_required(form: FormSchema, path: Path, errors: Any) -> Iterator[_Placed]:
    # `anyOf: [{required: [a]}, {required: [b]}]`: any one of them will do, say so.
    missing = list(dict.fromkeys(name for inner in errors for name in _missing_names(inner)))
    labels = [form.label_at((*path, name)) for name in missing]
    message = f"Fill in {' or '.join(labels)}." if len(labels) < 4 else "Fill in more fields."
    first = (*path, missing[0]) if missing else path
    yield from _on_block(form, first, truncate(message, 200), missing=first)


def _closeness(errors: list[Any], index: int) -> tuple[int, int, int]:
    # A wrong type means the person was not aiming at that alternative at all.
    wrong_type = sum(1 for inner in errors if inner.validator in ("type", "const", "enum"))
    return wrong_type, len(errors), index


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


def _on_block(
    form: FormSchema, path: Path, message: str, *, missing: Path | None = None
) -> Iterator[_Placed]:
    # Errors only show under input blocks: a header, a constant or a property the form
    # does not know passes its message to the nearest input block at or above it.
    while True:
        field = form.by_path.get(path)
        if field is not None and field.has_input:
            yield field.block_id, message, missing
            return
        selector = form.selectors.get(path)
        if selector is not None:
            yield selector.block_id, message, missing
            return
        target = form.first_input(path) if field is not None else None
        if target is not None:
            yield target.block_id, message, missing
            return
        if not path:
            first = form.first_input()
            if first is not None:
                yield first.block_id, message, missing
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
