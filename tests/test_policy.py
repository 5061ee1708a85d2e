from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.models import WorkflowSummary
from bot.policy import (
    DEFAULT_APPROVAL_MINUTES,
    ApprovalRule,
    Policy,
    Requester,
    Rule,
    load_policy,
)

REVENUE = WorkflowSummary(id="wf-rev", name="Revenue report", tags=("finance",))
SYNC = WorkflowSummary(id="wf-sync", name="Nightly sync")
ANA = Requester(user_id="U_ANA", channel_id="C_FIN")
BOB = Requester(user_id="U_BOB", channel_id="C_GEN", group_ids=frozenset({"S_OPS"}))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def test_without_rules_everyone_may_run_everything() -> None:
    assert Policy().allows(REVENUE, ANA)


def test_a_rule_selects_workflows_by_name_glob_id_or_tag() -> None:
    assert Rule(workflows=("revenue*",)).selects(REVENUE)
    assert Rule(workflows=("wf-sync",)).selects(SYNC)
    assert Rule(tags=("finance",)).selects(REVENUE)
    assert not Rule(tags=("finance",)).selects(SYNC)
    assert not Rule(workflows=("Revenue",)).selects(REVENUE)


def test_people_and_places_must_both_match() -> None:
    rule = Rule(workflows=("Revenue*",), users=frozenset({"U_ANA"}), channels=frozenset({"C_FIN"}))
    policy = Policy(rules=(rule,))
    assert policy.allows(REVENUE, ANA)
    assert not policy.allows(REVENUE, Requester(user_id="U_ANA", channel_id="C_GEN"))
    assert not policy.allows(REVENUE, Requester(user_id="U_EVE", channel_id="C_FIN"))


def test_a_user_group_admits_its_members() -> None:
    policy = Policy(rules=(Rule(workflows=("*",), user_groups=frozenset({"S_OPS"})),))
    assert policy.allows(SYNC, BOB)
    assert not policy.allows(SYNC, ANA)


def test_the_first_matching_rule_decides_then_the_default() -> None:
    policy = Policy(
        rules=(
            Rule(workflows=("Revenue report",), users=frozenset({"U_ANA"})),
            Rule(workflows=("*",)),
        ),
        allow_by_default=False,
    )
    assert not policy.allows(REVENUE, BOB)
    assert policy.allows(SYNC, BOB)
    assert not Policy(allow_by_default=False).allows(SYNC, ANA)


def test_allowed_keeps_order_and_drops_the_rest() -> None:
    policy = Policy(rules=(Rule(tags=("finance",), users=frozenset({"U_ANA"})),))
    assert policy.allowed([REVENUE, SYNC], BOB) == [SYNC]
    assert policy.allowed([REVENUE, SYNC], ANA) == [REVENUE, SYNC]


def test_a_policy_file_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        [default]
        allow = false

        [[rule]]
        workflows = ["Revenue*"]
        tags = ["finance"]
        users = ["U_ANA"]
        user_groups = ["S_FIN"]
        channels = ["C_FIN"]
        """,
    )
    policy = load_policy(path)
    assert not policy.allow_by_default
    assert policy.rules == (
        Rule(
            workflows=("Revenue*",),
            tags=("finance",),
            users=frozenset({"U_ANA"}),
            user_groups=frozenset({"S_FIN"}),
            channels=frozenset({"C_FIN"}),
        ),
    )
    assert policy.group_ids == {"S_FIN"}


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[[rule]]\nusr = ['U1']\n", "rule 1: unknown key 'usr'"),
        ("[[rule]]\nusers = 'U1'\n", "rule 1: users must be a list of strings"),
        ("[default]\nallow = 'yes'\n", "allow must be true or false"),
        ("[defaults]\n", "unknown section 'defaults'"),
        ("rule = 5\n", "rules are written [[rule]]"),
        ("[[rule]\n", "policy.toml"),
    ],
)
def test_a_broken_policy_file_is_named_with_the_spot(
    tmp_path: Path, text: str, complaint: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy(_write(tmp_path, text))
    assert complaint in str(caught.value)
    assert str(caught.value).startswith("ACCESS_POLICY_FILE ")


def test_approval_rules_are_read_with_their_timeouts(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        [default]
        approval_timeout_minutes = 15

        [[approval]]
        workflows = ["Revenue*"]
        approvers = ["U_CFO"]
        approver_groups = ["S_FIN"]
        timeout_minutes = 90

        [[approval]]
        tags = ["ops"]
        approvers = ["U_OPS"]
        """,
    )
    policy = load_policy(path)
    first, second = policy.approvals
    assert first == ApprovalRule(
        workflows=("Revenue*",),
        approvers=frozenset({"U_CFO"}),
        approver_groups=frozenset({"S_FIN"}),
        timeout_minutes=90,
    )
    assert second.tags == ("ops",)
    assert second.timeout_minutes == 15


def test_the_first_matching_approval_rule_decides() -> None:
    cfo = ApprovalRule(workflows=("Revenue report",), approvers=frozenset({"U_CFO"}))
    anyone = ApprovalRule(approvers=frozenset({"U_OPS"}))
    policy = Policy(approvals=(cfo, anyone))
    assert policy.approval_for(REVENUE) is cfo
    assert policy.approval_for(SYNC) is anyone
    assert Policy().approval_for(SYNC) is None


def test_without_approval_rules_the_default_timeout_is_an_hour(tmp_path: Path) -> None:
    (rule,) = load_policy(_write(tmp_path, '[[approval]]\napprovers = ["U_A"]\n')).approvals
    assert rule.timeout_minutes == DEFAULT_APPROVAL_MINUTES == 60


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[approval]]\napprovers = ["U_A"]\napprover = ["U_B"]\n', "'approver'"),
        ('[[approval]]\napprovers = "U_A"\n', "approvers must be a list"),
        ('[[approval]]\napprovers = ["U_A"]\ntimeout_minutes = 0\n', "timeout_minutes"),
        ('[[approval]]\napprovers = ["U_A"]\ntimeout_minutes = "1h"\n', "timeout_minutes"),
        ('[[approval]]\nworkflows = ["x"]\n', "approvers or approver_groups"),
        ("[default]\napproval_timeout_minutes = -5\n", "approval_timeout_minutes"),
        ("[default]\ntimeout = 5\n", "'timeout'"),
        ('approval = "x"\n', "[[approval]]"),
    ],
)
def test_a_broken_approval_rule_is_named(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy(_write(tmp_path, text))
    assert named in str(caught.value)
