"""The forms one process saved or read lately, so a submission skips a trip to SQLite.

A form is saved when its modal opens and read back when it is submitted, seconds later,
by the same process (a SQLite file serves one process). Under load every trip to the
connection's thread waits for a turn of the busy event loop, about 10 ms each with fifty
people at once; keeping the latest forms here answers most submissions without one.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import replace

from bot.models import FormContext


class RecentForms:
    """The last `capacity` forms by view id, oldest forgotten first."""

    def __init__(self, capacity: int = 1000) -> None:
        self._capacity = capacity
        # The schema is kept as JSON and parsed for each reader, as a read from the
        # database would be, so no reader can change what another one gets.
        self._forms: OrderedDict[str, tuple[FormContext, str | None]] = OrderedDict()

    def remember(self, form: FormContext) -> None:
        """Keep `form` as the latest for its view."""
        schema_json = None if form.schema is None else json.dumps(form.schema)
        self._forms[form.view_id] = (replace(form, schema=None), schema_json)
        self._forms.move_to_end(form.view_id)
        while len(self._forms) > self._capacity:
            self._forms.popitem(last=False)

    def get(self, view_id: str) -> FormContext | None:
        """The form last remembered for `view_id`, or None."""
        kept = self._forms.get(view_id)
        if kept is None:
            return None
        form, schema_json = kept
        return replace(form, schema=None if schema_json is None else json.loads(schema_json))
