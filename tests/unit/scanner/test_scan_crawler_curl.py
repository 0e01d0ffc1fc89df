"""A doorway whose remote host writes the page, fetched with curl's two steps (the address
set on a handle, the answer kept from curl_exec()) and behind a reverse-DNS crawler test."""

from __future__ import annotations

from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.report import ScanVerdict

FETCH = (
    b"  $h = curl_init();\n"
    b"  curl_setopt($h, CURLOPT_URL,\n"
    b'    "http://feed.example.pw/?ua=" . $_SERVER["HTTP_USER_AGENT"]);\n'
    b"  $page = curl_exec($h);\n"
    b"  echo $page;\n"
)


def test_a_reverse_dns_crawler_test_then_a_curl_handle_given_the_agent_is_malicious() -> None:
    data = (
        b"<?php\nif (strpos(gethostbyaddr($_SERVER['REMOTE_ADDR']), 'google') !== false) {\n"
        + FETCH
        + b"}\n"
    )
    result = analyze_bytes(data, "header.php")
    assert "php.crawler-visitor-proxied" in rule_ids(result)
    assert result.verdict is ScanVerdict.MALICIOUS


def test_the_curl_handle_given_the_agent_behind_a_user_agent_test_fires_too() -> None:
    test = b"<?php\nif (stripos($_SERVER['HTTP_USER_AGENT'], 'bingbot') !== false) {\n"
    data = test + FETCH + b"}\n"
    assert "php.crawler-visitor-proxied" in rule_ids(analyze_bytes(data))


def test_a_handle_whose_answer_is_not_printed_is_no_doorway() -> None:
    data = (
        b"<?php\nif (strpos(gethostbyaddr($_SERVER['REMOTE_ADDR']), 'google') !== false) {\n"
        + FETCH.replace(b"  echo $page;\n", b"  error_log(strlen($page));\n")
        + b"}\n"
    )
    assert "php.crawler-visitor-proxied" not in rule_ids(analyze_bytes(data))


def test_a_reverse_dns_lookup_that_names_no_search_engine_is_no_crawler_test() -> None:
    data = (
        b"<?php\nif (strpos(gethostbyaddr($_SERVER['REMOTE_ADDR']), 'example.net') !== false) {\n"
        + FETCH
        + b"}\n"
    )
    assert "php.crawler-visitor-proxied" not in rule_ids(analyze_bytes(data))
