"""The playground: a local page that plays Slack's part for `workflow-bot demo`.

`page` serves the page and its endpoints, `slack_api` (with `slack_views` and
`slack_wire`) is the Web API stand-in the bot's `SLACK_API_URL` points at, `bridge`
sends the bot the signed requests of `slack_requests`, and `preview` draws a pasted
schema as the bot's modal. The scenario tests drive the same stand-in.
"""
