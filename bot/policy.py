"""Who may run which workflow, and where: the access policy file, read and applied."""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.models import WorkflowSummary

_RULE_KEYS = {"workflows", "tags", "users", "user_groups", "channels"}
_APPROVAL_KEYS = {"workflows", "tags", "approvers", "approver_groups", "timeout_minutes"}
_DEFAULT_KEYS = {"allow", "approval_timeout_minutes"}
DEFAULT_APPROVAL_MINUTES = 60.0


@dataclass(frozen=True)
class Rule:
    """Workflows selected by id, name glob or tag, and the people and places allowed."""

    workflows: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    users: frozenset[str] = frozenset()
    user_groups: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()

    def selects(self, workflow: WorkflowSummary) -> bool:
        """Whether this rule is about `workflow` (a rule naming nothing is about all)."""
        if not self.workflows and not self.tags:
            return True
        name = workflow.name.casefold()
        by_name_or_id = any(
            pattern == workflow.id or fnmatch.fnmatchcase(name, pattern.casefold())
            for pattern in self.workflows
        )
        return by_name_or_id or bool(set(self.tags) & set(workflow.tags))


@dataclass(frozen=True)
class ApprovalRule:
    """Workflows whose runs wait for one of the named approvers (or group members)."""

    workflows: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    approvers: frozenset[str] = frozenset()
    approver_groups: frozenset[str] = frozenset()
    timeout_minutes: float = DEFAULT_APPROVAL_MINUTES

    def selects(self, workflow: WorkflowSummary) -> bool:
        """Whether this rule is about `workflow` (a rule naming nothing is about all)."""
        return Rule(workflows=self.workflows, tags=self.tags).selects(workflow)


@dataclass(frozen=True)
class Requester:
    """The person asking, the user groups they belong to, and the channel they are in."""

    user_id: str
    channel_id: str
    group_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Policy:
    """Rules in file order; the first rule that selects a workflow decides for it."""

    rules: tuple[Rule, ...] = ()
    allow_by_default: bool = True
    approvals: tuple[ApprovalRule, ...] = ()
    source: Path | None = field(default=None, compare=False)

    @property
    def group_ids(self) -> frozenset[str]:
        """Every user group any rule names (the only memberships worth looking up)."""
        return frozenset().union(*(rule.user_groups for rule in self.rules))

    def allows(self, workflow: WorkflowSummary, requester: Requester) -> bool:
        """Whether `requester` may run `workflow` from their channel."""
        for rule in self.rules:
            if rule.selects(workflow):
                return _admits(rule, requester)
        return self.allow_by_default

    def allowed(
        self, workflows: Sequence[WorkflowSummary], requester: Requester
    ) -> list[WorkflowSummary]:
        """The workflows of `workflows` that `requester` may run, in their order."""
        return [workflow for workflow in workflows if self.allows(workflow, requester)]

    def approval_for(self, workflow: WorkflowSummary) -> ApprovalRule | None:
        """The first approval rule that selects `workflow`; None when it runs at once."""
        return next((rule for rule in self.approvals if rule.selects(workflow)), None)


OPEN_POLICY = Policy()


def _admits(rule: Rule, requester: Requester) -> bool:
    people_listed = bool(rule.users or rule.user_groups)
    person_ok = (
        not people_listed
        or requester.user_id in rule.users
        or bool(rule.user_groups & requester.group_ids)
    )
    place_ok = not rule.channels or requester.channel_id in rule.channels
    return person_ok and place_ok


def load_policy(path: Path) -> Policy:
    """Read a TOML policy file; a mistake raises `ConfigError` naming the file and the spot."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"ACCESS_POLICY_FILE {path}: {error}") from None

    default = data.get("default", {})
    if not isinstance(default, dict) or not isinstance(default.get("allow", True), bool):
        raise ConfigError(f"ACCESS_POLICY_FILE {path}: [default] allow must be true or false")
    unknown = set(data) - {"default", "rule", "approval"}
    if unknown:
        raise ConfigError(f"ACCESS_POLICY_FILE {path}: unknown section {sorted(unknown)[0]!r}")
    unknown = set(default) - _DEFAULT_KEYS
    if unknown:
        raise ConfigError(
            f"ACCESS_POLICY_FILE {path}: [default] unknown key {sorted(unknown)[0]!r}"
        )
    minutes = _minutes(
        default,
        "approval_timeout_minutes",
        DEFAULT_APPROVAL_MINUTES,
        f"ACCESS_POLICY_FILE {path}: [default]",
    )

    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise ConfigError(f"ACCESS_POLICY_FILE {path}: rules are written [[rule]]")
    approvals = data.get("approval", [])
    if not isinstance(approvals, list):
        raise ConfigError(f"ACCESS_POLICY_FILE {path}: approval rules are written [[approval]]")
    parsed = tuple(_rule(entry, index, path) for index, entry in enumerate(rules, start=1))
    approval_rules = tuple(
        _approval(entry, index, path, minutes) for index, entry in enumerate(approvals, start=1)
    )
    return Policy(
        rules=parsed,
        allow_by_default=default.get("allow", True),
        approvals=approval_rules,
        source=path,
    )


def _rule(entry: Any, index: int, path: Path) -> Rule:
    where = f"ACCESS_POLICY_FILE {path}: rule {index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a table")
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    return Rule(
        workflows=tuple(_strings(entry, "workflows", where)),
        tags=tuple(_strings(entry, "tags", where)),
        users=frozenset(_strings(entry, "users", where)),
        user_groups=frozenset(_strings(entry, "user_groups", where)),
        channels=frozenset(_strings(entry, "channels", where)),
    )


def _approval(entry: Any, index: int, path: Path, default_minutes: float) -> ApprovalRule:
    where = f"ACCESS_POLICY_FILE {path}: approval {index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a table")
    unknown = set(entry) - _APPROVAL_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    rule = ApprovalRule(
        workflows=tuple(_strings(entry, "workflows", where)),
        tags=tuple(_strings(entry, "tags", where)),
        approvers=frozenset(_strings(entry, "approvers", where)),
        approver_groups=frozenset(_strings(entry, "approver_groups", where)),
        timeout_minutes=_minutes(entry, "timeout_minutes", default_minutes, where),
    )
    if not rule.approvers and not rule.approver_groups:
        # Nobody could ever approve: every run of these workflows would only expire.
        raise ConfigError(f"{where}: approvers or approver_groups must name someone")
    return rule


def _minutes(entry: dict[str, Any], key: str, default: float, where: str) -> float:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigError(f"{where}: {key} must be a number of minutes above 0")
    return float(value)


def _strings(entry: dict[str, Any], key: str, where: str) -> Collection[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return value
