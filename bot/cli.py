"""`workflow-bot …`: serve over HTTP, over Socket Mode, or run the MarketCore simulator."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.logs import configure_logging

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `workflow-bot` console script."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as error:
        print(f"workflow-bot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workflow-bot", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve Slack over HTTP (POST /slack/events)")
    serve.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server is meant to listen
    serve.add_argument("--port", type=int, default=3000)
    serve.set_defaults(run=_serve)

    socket = commands.add_parser("socket", help="serve Slack over Socket Mode")
    socket.set_defaults(run=_socket)

    simulator = commands.add_parser("simulator", help="run the embedded MarketCore simulator")
    simulator.add_argument("--host", default="127.0.0.1")
    simulator.add_argument("--port", type=int, default=8800)
    simulator.set_defaults(run=_simulator)

    demo = commands.add_parser(
        "demo", help="the simulator, the bot and a page playing Slack, all on this machine"
    )
    demo.add_argument("--port", type=int, default=3000, help="the page's port")
    demo.add_argument("--simulator-port", type=int, default=8800)
    demo.add_argument(
        "--policy", type=Path, metavar="PATH", help="an access policy file for this session"
    )
    demo.set_defaults(run=_demo)

    preview = commands.add_parser("preview", help="print the modal a workflow's inputs become")
    preview.add_argument("source", help="a workflow id, or the path to a schema.json")
    preview.set_defaults(run=_preview)
    return parser


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings("serve")
    _configure_logging(settings)
    _run_http(settings, args.host, args.port)
    return 0


def _socket(_: argparse.Namespace) -> int:
    settings = load_settings("socket")
    _configure_logging(settings)
    from bot.socket_mode import run_socket_mode

    asyncio.run(run_socket_mode(settings))
    return 0


def _simulator(args: argparse.Namespace) -> int:
    settings = load_settings("offline")
    _configure_logging(settings)
    from bot.simulator import serve_simulator

    token = settings.MARKETCORE_API_TOKEN
    print(f"MarketCore simulator at http://{args.host}:{args.port}/mcp")
    asyncio.run(
        serve_simulator(args.host, args.port, token=token.get_secret_value() if token else None)
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    settings = load_settings("offline")
    _configure_logging(settings)
    from bot.demo import run_demo

    return asyncio.run(
        run_demo(settings, port=args.port, simulator_port=args.simulator_port, policy=args.policy)
    )


def _preview(args: argparse.Namespace) -> int:
    settings = load_settings("offline")
    from bot.preview import run_preview

    return asyncio.run(run_preview(settings, args.source))


def _run_http(settings: Settings, host: str, port: int) -> None:
    from bot.server import create_asgi_app

    config = uvicorn.Config(
        create_asgi_app(settings, settle_heap=True),
        host=host,
        port=port,
        log_level=max(settings.log_level, logging.INFO),
        # Uvicorn's own lines go through our handler, so LOG_FORMAT=json covers them too.
        log_config=None,
        access_log=False,
        # On SIGTERM, requests in flight get this long to finish before the app shuts down.
        timeout_graceful_shutdown=20,
    )
    uvicorn.Server(config).run()


def _configure_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.LOG_FORMAT)


if __name__ == "__main__":
    sys.exit(main())
