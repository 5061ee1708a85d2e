"""`workflow-bot demo` as a newcomer runs it: no `.env`, one command, the page's address."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

_PAGE_LINE = re.compile(r"Open the playground: (http://127\.0\.0\.1:\d+)/")


def test_demo_starts_everything_without_settings_and_prints_the_page(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bot.cli", "demo", "--port", "0", "--simulator-port", "0"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,  # no .env here, and the database is the demo's own throwaway one
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A runner started in the background may ignore Ctrl-C; the demo must not inherit that.
        preexec_fn=_take_ctrl_c,
    )
    try:
        page_url, printed = _page_address(process)
        with urllib.request.urlopen(f"{page_url}/", timeout=5) as response:  # noqa: S310
            assert response.status == 200
            assert "workflow-bot playground" in response.read().decode()
        assert "MarketCore simulator: http://127.0.0.1:" in printed
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert list(tmp_path.iterdir()) == []  # nothing left behind in the working directory


def _take_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _page_address(process: subprocess.Popen[str], timeout: float = 30.0) -> tuple[str, str]:
    assert process.stdout is not None
    printed = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        printed += line
        found = _PAGE_LINE.search(line)
        if found:
            return found.group(1), printed
    raise AssertionError(f"the demo printed no page address:\n{printed}")
