from bot.text import escape_mrkdwn, is_web_url, modal_title, shorten, workflow_url


def test_escape_mrkdwn_escapes_the_three_control_characters() -> None:
    assert escape_mrkdwn("a & <b> c") == "a &amp; &lt;b&gt; c"


def test_shorten_keeps_short_text_and_marks_cut_text() -> None:
    assert shorten("short", 10) == "short"
    cut = shorten("a" * 30, 24)
    assert len(cut) == 24
    assert cut.endswith("…")


def test_modal_title_fits_slacks_24_characters() -> None:
    assert modal_title("Quarterly revenue report for every region") == "Quarterly revenue repor…"
    assert modal_title("   ") == "Run workflow"


def test_only_absolute_web_urls_are_accepted_for_buttons() -> None:
    assert is_web_url("https://app.marketcore.ai/workflows/1/runs/2")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url("/relative")
    assert not is_web_url(None)


def test_workflow_url_quotes_odd_ids() -> None:
    assert workflow_url("a/b c") == "https://app.marketcore.ai/workflows/a%2Fb%20c"
