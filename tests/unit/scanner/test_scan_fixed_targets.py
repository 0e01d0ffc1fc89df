"""Request input that only fills part of a target the script fixes itself: the path of a web
service whose scheme and host are written in the script, or an escaped value quoted in the
script's own SQL. Each exemption has the dodges an attacker would try next to it, and those
must still fire."""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

FETCH = "php.fetch-request-url"
SQL = "shell.sql-from-request"


@pytest.mark.parametrize(
    "call",
    [
        "file_get_contents('https://api.example.com/v1/users/' . $id)",
        'file_get_contents("https://chat.example.com/api/guilds/" . $id . "/widget.json")',
        "file_get_contents('http://geo.example.net/php/' . $id)",
        "file_get_contents('https://geo.example.net:8443/json/' . urlencode($id))",
        "file_get_contents('https://api.example.com/search?q=' . urlencode($id))",
        "readfile('https://cdn.example.org/files/' . $id . '.txt')",
    ],
)
def test_request_in_the_path_of_a_fixed_host_is_no_open_proxy(call: str) -> None:
    src = f"<?php\n$id = $_GET['id'];\necho {call};\n".encode()
    assert FETCH not in rule_ids(analyze_bytes(src))


@pytest.mark.parametrize(
    "call",
    [
        # a number made of the request, with a default chosen by ?? or ?: inside it
        "file_get_contents('https://cms.example.com/api/posts/' . (int) ($_GET['id'] ?? 0))",
        "file_get_contents('https://cms.example.com/api/posts/' . (int)($_GET['id'] ?: 1))",
        "file_get_contents('https://cms.example.com/api?page=' . intval($_GET['p'] ?? 1))",
        "file_get_contents('https://cms.example.com/api?page=' . (int) $_GET['p'] . '&n=' "
        ". absint($_GET['n'] ?? 10))",
    ],
)
def test_a_number_of_the_request_with_a_default_on_a_fixed_host_is_no_open_proxy(
    call: str,
) -> None:
    """A headless CMS page asks its API for post ``(int) ($_GET['id'] ?? 0)``: the ``??``
    inside the cast read as a choice of another target, so the fetch was an open proxy."""
    src = f"<?php\necho {call};\n".encode()
    assert FETCH not in rule_ids(analyze_bytes(src))


def test_curl_url_on_a_fixed_host_is_no_open_proxy() -> None:
    src = (
        b"<?php\n$ch = curl_init();\n"
        b"curl_setopt($ch, CURLOPT_URL, 'https://api.example.com/items/' . $_GET['item']);\n"
        b"echo curl_exec($ch);\n"
    )
    assert FETCH not in rule_ids(analyze_bytes(src))


@pytest.mark.parametrize(
    "call",
    [
        # the host itself is the request's, or can be replaced through the part after it
        "file_get_contents('http://' . $id)",
        "file_get_contents('https://' . $id . '/feed.xml')",
        "file_get_contents('https://api.example.com' . $id)",
        "file_get_contents('https://api.example.com:' . $id)",
        "file_get_contents('https://user@' . $id)",
        # not the web: wrappers that read the site's own files or run filters
        "file_get_contents('php://filter/resource=' . $id)",
        "file_get_contents('file:///var/www/' . $id)",
        "file_get_contents('compress.zlib://' . $id)",
        "readfile('uploads/' . $id)",
        # the literal is there, but the value chosen is the request's
        "file_get_contents('https://api.example.com/' === 'x' ? '' : $id)",
        "file_get_contents('https://api.example.com/' . 'x' ?: $id)",
        "file_get_contents('https://api.example.com/' and $id)",
        # a number next to the choice, not around it
        "file_get_contents('https://api.example.com/' . (int) ($n) ?: $id)",
        "file_get_contents('https://api.example.com/' . intval($n) ?: $id)",
        "file_get_contents('https://' . (int) 1 . $id)",
        # a host built at run time inside the quotes
        'file_get_contents("https://$id/feed.xml")',
        'file_get_contents("https://api.$id/feed/" . $id)',
    ],
)
def test_a_url_whose_host_or_scheme_the_request_decides_still_fires(call: str) -> None:
    src = f"<?php\n$id = $_GET['id'];\necho {call};\n".encode()
    assert FETCH in rule_ids(analyze_bytes(src))


def test_curl_url_with_the_host_from_the_request_still_fires() -> None:
    src = (
        b"<?php\n$ch = curl_init();\n"
        b"curl_setopt($ch, CURLOPT_URL, 'https://' . $_GET['host'] . '/items');\n"
        b"echo curl_exec($ch);\n"
    )
    assert FETCH in rule_ids(analyze_bytes(src))


@pytest.mark.parametrize(
    "link",
    ["$db", "$db->link", "$db->connection()", "$this->db", "$app->db()->handle()", "db_link()"],
)
def test_a_value_escaped_with_any_connection_and_quoted_is_no_sql_of_the_visitor(
    link: str,
) -> None:
    src = (
        f"<?php\n$code = mysqli_real_escape_string({link}, $_GET['c']);\n"
        f"$r = mysqli_query({link}, \"SELECT url FROM links WHERE code = '$code'\");\n"
    ).encode()
    assert SQL not in rule_ids(analyze_bytes(src))


@pytest.mark.parametrize(
    "rhs",
    [
        # request text joined after, before or around the escaped value
        "mysqli_real_escape_string($db, $_GET['c']) . $_GET['o']",
        "$_GET['o'] . mysqli_real_escape_string($db, $_GET['c'])",
        "mysqli_real_escape_string($db->link(), $_GET['c']) . $_GET['o']",
        "mysql_real_escape_string($_GET['c']) . $_POST['o']",
        "$db->real_escape_string($_GET['c']) . $_GET['o']",
        # the escaped value is only a condition; the request's text is what is kept
        "mysqli_real_escape_string($db, $_GET['c']) ? $_GET['o'] : ''",
        "mysqli_real_escape_string($db, $_GET['c']) ?: $_GET['o']",
    ],
)
def test_request_text_joined_to_an_escaped_value_still_fires(rhs: str) -> None:
    src = (
        f"<?php\n$code = {rhs};\n"
        f"$r = mysqli_query($db, \"SELECT url FROM links WHERE code = '$code'\");\n"
    ).encode()
    assert SQL in rule_ids(analyze_bytes(src))
