"""How long drawing a form takes, for the sample workflows and for hostile schemas.

Run: `.venv/bin/python -m bench.form_timing` (a second or two).
"""

from __future__ import annotations

import time
from typing import Any

from bot.errors import SchemaNotRenderable
from bot.forms import build_form_blocks, prepare_schema, validate_inputs
from bot.simulator_data import SAMPLE_WORKFLOWS


def _nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"x": schema}}
    return schema


HOSTILE: dict[str, dict[str, Any]] = {
    "50 levels of nesting": _nested(50),
    '{"$ref": "#"}': {"$ref": "#"},
    "a remote $ref": {"type": "object", "properties": {"a": {"$ref": "http://example.com/s"}}},
    "10,000 properties": {
        "type": "object",
        "properties": {f"p{i}": {"type": "string"} for i in range(10_000)},
    },
    "an enum of 100,000 values": {
        "type": "object",
        "properties": {"e": {"enum": list(range(100_000))}},
    },
    '{"type": 5}': {"type": 5},
}


def _draw(label: str, schema: dict[str, Any]) -> None:
    started = time.perf_counter()
    try:
        build_form_blocks(prepare_schema(schema))
        verdict = "rendered"
    except SchemaNotRenderable as error:
        verdict = f"refused: {str(error)[:70]}"
    print(f"{label:30} {(time.perf_counter() - started) * 1000:7.1f} ms  {verdict}")


def _backtracking_pattern() -> None:
    form = prepare_schema({"type": "object", "properties": {"p": {"pattern": "^(a+)+$"}}})
    started = time.perf_counter()
    validate_inputs(form, {"p": "a" * 5_000 + "!"})
    elapsed = (time.perf_counter() - started) * 1000
    print(f"{'^(a+)+$ on 5,000 characters':30} {elapsed:7.1f} ms  validated")


def main() -> None:
    for workflow in SAMPLE_WORKFLOWS:
        if workflow.inputs:
            _draw(workflow.name, workflow.inputs)
    for label, schema in HOSTILE.items():
        _draw(label, schema)
    _backtracking_pattern()


if __name__ == "__main__":
    main()
