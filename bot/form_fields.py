"""The form a workflow's inputs schema becomes: one `Field` per block, in display order."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from functools import cached_property
from typing import Any

# Every input element uses this action_id, so a value sits at state[block_id][ACTION_ID].
ACTION_ID = "value"
# The select of a oneOf/anyOf's alternatives: choosing one redraws the form at once.
BRANCH_ACTION_ID = "branch"

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
    TIME = "time"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"  # one enum value
    CHOICES = "choices"  # an array of enum values
    LINES = "lines"  # an array of strings or numbers, one per line
    JSON = "json"  # a list of objects or a free-form object, typed as JSON
    PICKER = "picker"  # Slack users, channels or conversations (`x-slack` hint): their ids
    BRANCH = "branch"  # which alternative of a oneOf/anyOf: its fields follow, conditioned


class Picker(StrEnum):
    """Which of Slack's own pickers an `x-slack` hint asks for; the value sent is the id."""

    USERS = "users"
    CHANNELS = "channels"
    CONVERSATIONS = "conversations"


@dataclass(frozen=True)
class Field:
    """One property of the schema as the form shows it.

    `required` is the schema's word for the property within its own object; `optional`
    is Slack's word for the input block (true unless it and every enclosing object are
    required, always true for a checkbox, and true when an empty value means null).
    A CONST field sends `const` only when `has_default` (a readOnly property without a
    value is shown, never sent). A BRANCH field is the select of a oneOf/anyOf: its
    `choices` are the alternatives' positions, and the fields of alternative i carry
    (its path, i) as their last condition.
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
    picker: Picker | None = None
    multiple: bool = False  # a picker that sends a list of ids
    layout: str | None = None  # "radio" or "menu" when the author chose (`x-slack`)
    plain_number: bool = False  # a number beyond number_input's range, typed as text
    # Shown only when each (selector path, alternative) holds; () for every form.
    conditions: tuple[tuple[Path, int], ...] = ()
    # For a BRANCH: which alternatives are objects (their fields sit under its path).
    object_branches: tuple[bool, ...] = ()

    @property
    def pointer(self) -> str:
        """The property's JSON Pointer (RFC 6901), e.g. "/target/market"."""
        return json_pointer(self.path)

    @property
    def has_input(self) -> bool:
        """Whether the field holds a value a person fills in (not a header, constant or
        the choice of an alternative)."""
        return self.kind not in (Kind.OBJECT, Kind.CONST, Kind.BRANCH)

    @property
    def checked_on_enter(self) -> bool:
        """Whether the input checks its own value when the person presses Enter in it: a
        single-line text or number (Enter in a text area starts a new line instead)."""
        if self.kind in (Kind.EMAIL, Kind.URL, Kind.INTEGER, Kind.NUMBER):
            return True
        return self.kind is Kind.TEXT and not self.multiline

    @property
    def is_input_block(self) -> bool:
        """Whether the field is drawn as an input block, which may carry an error."""
        return self.has_input or self.kind is Kind.BRANCH

    def shown_with(self, choices: Mapping[Path, int]) -> bool:
        """Whether the field belongs to the form once these alternatives are chosen."""
        return all(choices.get(path) == index for path, index in self.conditions)

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
    # Set on a form narrowed by `chosen`: the alternative shown for each selector's path.
    alternatives: Mapping[Path, int] = dataclass_field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when the workflow declares no inputs at all."""
        return not self.fields

    @cached_property
    def by_path(self) -> dict[Path, Field]:
        """Each field by its property path (the selectors of alternatives are apart)."""
        return {field.path: field for field in self.fields if field.kind is not Kind.BRANCH}

    @cached_property
    def selectors(self) -> dict[Path, Field]:
        """The select of each oneOf/anyOf, by the path of the property it decides."""
        return {field.path: field for field in self.fields if field.kind is Kind.BRANCH}

    @cached_property
    def block_ids(self) -> frozenset[str]:
        """The block ids of the input blocks, the only ones an error may be keyed by."""
        return frozenset(field.block_id for field in self.fields if field.is_input_block)

    def label_at(self, path: Path) -> str:
        """The label of the property at `path`, whether a field or an alternative's select."""
        field = self.by_path.get(path) or self.selectors.get(path)
        return field.label if field is not None else humanize_path(path)

    def chosen(self, choices: Mapping[Path, int]) -> FormSchema:
        """The form as shown once these alternatives are chosen (others' fields left out)."""
        if not self.selectors:
            return self
        shown = tuple(field for field in self.fields if field.shown_with(choices))
        return FormSchema(self.schema, shown, dict(choices))

    def first_input(self, under: Path = ()) -> Field | None:
        """The first input block at or below `under` (the whole form by default), preferring
        one shown whatever alternatives are chosen."""
        found = [
            field
            for field in self.fields
            if field.is_input_block and field.path[: len(under)] == under
        ]
        always = [field for field in found if not field.conditions]
        return next(iter(always or found), None)


def humanize_path(path: Path) -> str:
    """A last-resort label: the property's own name."""
    return path[-1] if path else "Inputs"


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


def selector_block_id(path: Path) -> str:
    """The block_id of the select of a property's alternatives ("#of" + its pointer)."""
    block_id = "#of" + json_pointer(path)
    if len(block_id) <= MAX_BLOCK_ID:
        return block_id
    return "#of#" + hashlib.sha256(json_pointer(path).encode()).hexdigest()


def same_value(left: Any, right: Any) -> bool:
    """JSON equality: 1 == 1.0, but `true` is not 1 (Python says otherwise)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return bool(left == right)
