"""Any schema-shaped input either becomes a valid Slack form or is refused in words."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.views import View

from bot.errors import SchemaNotRenderable
from bot.forms import (
    build_form_blocks,
    parse_submission,
    prepare_schema,
    summarize_inputs,
    validate_inputs,
)

_NAMES = st.sampled_from(["a", "b", "c/d", "e~f", "kind", "x" * 300, "über", ""])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5))
_LEAVES = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "number", "boolean", "null", "object"])},
        optional={
            "format": st.sampled_from(["email", "uri", "date", "date-time", "time", "uuid"]),
            "enum": st.lists(_SCALARS, min_size=1, max_size=4),
            "const": _SCALARS,
            "readOnly": st.booleans(),
            "default": _SCALARS,
            "minimum": st.integers(-(10**20), 10**20),
            "maxLength": st.integers(0, 5000),
            "x-slack": st.fixed_dictionaries(
                {},
                optional={
                    "picker": st.sampled_from(["users", "channels", "robots"]),
                    "layout": st.sampled_from(["radio", "menu"]),
                },
            ),
        },
    ),
    st.just({"$ref": "#/$defs/shared"}),
    st.booleans(),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    objects = st.builds(
        lambda props, required: {
            "type": "object",
            "properties": props,
            "required": [name for name in required if name in props],
        },
        st.dictionaries(_NAMES, children, max_size=4),
        st.lists(_NAMES, max_size=2, unique=True),
    )
    alternatives = st.builds(
        lambda keyword, branches: {keyword: branches},
        st.sampled_from(["oneOf", "anyOf", "allOf"]),
        st.lists(children, min_size=1, max_size=3),
    )
    arrays = st.builds(lambda item: {"type": "array", "items": item}, children)
    return st.one_of(objects, alternatives, arrays)


_PROPERTY = st.recursive(_LEAVES, _extend, max_leaves=10)
# The shared definition is a leaf, so `$ref`s to it never loop.
_SHARED = _LEAVES.filter(lambda leaf: not (isinstance(leaf, dict) and "$ref" in leaf))
_SCHEMAS = st.builds(
    lambda properties, required, root_alternatives, shared: {
        "type": "object",
        "properties": properties,
        "required": [name for name in required if name in properties],
        **root_alternatives,
        "$defs": {"shared": shared},
    },
    st.dictionaries(_NAMES, _PROPERTY, max_size=5),
    st.lists(_NAMES, max_size=2, unique=True),
    st.one_of(st.just({}), _extend(_PROPERTY).filter(lambda node: "oneOf" in node)),
    _SHARED,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCHEMAS)
def test_any_schema_renders_a_valid_view_or_is_refused_in_words(schema: Any) -> None:
    try:
        form = prepare_schema(schema)
        blocks = build_form_blocks(form)
    except SchemaNotRenderable as refusal:
        reason = str(refusal)
    else:
        reason = None
    if reason is not None or not blocks:
        assert reason is None or reason.endswith((".", ")"))
        return

    View(type="modal", title="Run workflow", blocks=blocks).to_dict()
    values, errors = parse_submission(form, {})
    assert set(errors) <= form.block_ids
    assert set(validate_inputs(form, values)) <= form.block_ids
    summarize_inputs(form, values)
