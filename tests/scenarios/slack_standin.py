"""The stand-in Slack Web API for scenario tests; it lives in the product's playground."""

from bot.playground.slack_api import DEFAULT_TOKEN, SlackStandIn
from bot.playground.slack_wire import SlackCall, SlackProblem, SlackRefusal

__all__ = ["DEFAULT_TOKEN", "SlackCall", "SlackProblem", "SlackRefusal", "SlackStandIn"]
