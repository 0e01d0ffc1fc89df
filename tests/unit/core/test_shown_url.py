"""shown_url: a webhook URL as reports and logs print it (its secret part hidden)."""

from __future__ import annotations

import pytest

from spamtrace.safetext import shown_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://hooks.slack.com/services/T0/B0/s3cr3t",
            "https://hooks.slack.com/services/(hidden)",
        ),
        ("https://chat.example.org/hooks/abc123key", "https://chat.example.org/hooks/(hidden)"),
        ("https://alerts.example.net/spamtrace", "https://alerts.example.net/spamtrace"),
        ("https://alerts.example.net/spamtrace/", "https://alerts.example.net/spamtrace/"),
        ("http://127.0.0.1:8080/hook?token=s3cr3t", "http://127.0.0.1:8080/hook?(hidden)"),
        ("https://h.example", "https://h.example"),
        ("https://h.example/a#frag", "https://h.example/a#(hidden)"),
        ("not a url", "(hidden)"),
        ("http://[::1/x", "(hidden)"),  # urlsplit refuses it: nothing of it is printed
    ],
)
def test_only_the_host_and_first_path_segment_are_shown(url: str, shown: str) -> None:
    assert shown_url(url) == shown
    assert "s3cr3t" not in shown_url(url)
