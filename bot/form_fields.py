"""The form a workflow's inputs schema becomes: one `Field` per block, in display order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

# Every input element uses this action_id, so a value sits at state[block_id][ACTION_ID].
ACTION_ID = "value"

# Slack refuses a block_id longer than this; longer pointers get a digest instead.
MAX_BLOCK_ID = 255
# The most a plain_text_input takes (and so the longest text a submission may carry).
SLACK_TEXT_LIMIT = 3000

Path = tuple[str, ...]


class Kind(StrEnum):
    """What a field asks for, which decides its Slack element and how its value is read."""

    OBJECT = "object"  # a nested object: a header, its fields follow
    CONST = "const"  # a fixed value: shown, never asked for, always sent
    TEXT = "text"
    EMAIL = "email"
    URL = "url"
    DATE = "date"
    DATE_TIME = "date_time"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"  # one enum value
    CHOICES = "choices"  # an array of enum values
    LINES = "lines"  # an array of strings or numbers, one per line


@dataclass(frozen=True)
class Field:
    """One property of the schema as the form shows it.

    `required` is the schema's word for the property within its own object; `optional`
    is Slack's word for the input block (true unless it and every enclosing object are
    required, always true for a checkbox, and true when an empty value means null).
    """

    path: Path
    block_id: str
    kind: Kind
    label: str
    required: bool = False
    optional: bool = True
    nullable: bool = False
    secret: bool = False
    hint: str | None = None
    placeholder: str | None = None
    has_default: bool = False
    default: Any = None
    const: Any = None
    choices: tuple[Any, ...] = ()
    choice_labels: tuple[str, ...] = ()
    item_kind: Kind | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_items: int | None = None
    multiline: bool = False

    @property
    def pointer(self) -> str:
        """The property's JSON Pointer (RFC 6901), e.g. "/target/market"."""
        return json_pointer(self.path)

    @property
    def has_input(self) -> bool:
        """Whether the field is an input block a person fills in (not a header or constant)."""
        return self.kind not in (Kind.OBJECT, Kind.CONST)

    def choice_index(self, value: Any) -> int | None:
        """The position of `value` among the field's choices, or None when it is not one."""
        for index, choice in enumerate(self.choices):
            if same_value(choice, value):
                return index
        return None

    @property
    def block_count(self) -> int:
        """How many blocks the field takes: a described object adds a context line."""
        return 2 if self.kind is Kind.OBJECT and self.hint else 1


@dataclass(frozen=True)
class FormSchema:
    """An inputs schema checked and flattened into the fields of a Slack form."""

    schema: dict[str, Any]
    fields: tuple[Field, ...]

    @property
    def is_empty(self) -> bool:
        """True when the workflow declares no inputs at all."""
        return not self.fields

    @cached_property
    def by_path(self) -> dict[Path, Field]:
        """Each field by its property path."""
        return {field.path: field for field in self.fields}

    @cached_property
    def block_ids(self) -> frozenset[str]:
        """The block ids of the input blocks, the only ones an error may be keyed by."""
        return frozenset(field.block_id for field in self.fields if field.has_input)

    def first_input(self, under: Path = ()) -> Field | None:
        """The first input field at or below `under` (the whole form by default)."""
        for field in self.fields:
            if field.has_input and field.path[: len(under)] == under:
                return field
        return None


def json_pointer(path: Path) -> str:
    """The JSON Pointer of a property path: "~" becomes "~0" and "/" becomes "~1"."""
    return "".join("/" + name.replace("~", "~0").replace("/", "~1") for name in path)


def block_id_for(path: Path) -> str:
    """The block_id of a property: its JSON Pointer, or a stable digest when that is too long."""
    pointer = json_pointer(path)
    if len(pointer) <= MAX_BLOCK_ID:
        return pointer
    # A pointer always starts with "/", so a digest id can never collide with one.
    return "#" + hashlib.sha256(pointer.encode()).hexdigest()


def same_value(left: Any, right: Any) -> bool:
    """JSON equality: 1 == 1.0, but `true` is not 1 (Python says otherwise)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return bool(left == right)
