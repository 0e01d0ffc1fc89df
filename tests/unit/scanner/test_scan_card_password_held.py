"""A kit step that keeps the card's security code and a password in the session."""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

RULE = "php.card-password-held"


@pytest.mark.parametrize(
    "code",
    [
        b"$_SESSION['cvv'] = $_POST['cvv'];\n$_SESSION['password'] = $_POST['password'];\n",
        b"$_SESSION['c'] = $_POST['cvc2'];\n$_SESSION['v'] = $_POST['vbv_pass'];\n",
        b"$_SESSION['x'] = $_REQUEST['user_pwd'];\n$_SESSION['y'] = $_REQUEST['csc'];\n",
    ],
)
def test_a_security_code_and_a_password_kept_as_typed_are_held_for_the_kit(code: bytes) -> None:
    assert RULE in rule_ids(analyze_bytes(b"<?php\nsession_start();\n" + code))


@pytest.mark.parametrize(
    "code",
    [
        # the security code alone: a careless checkout, no password with it
        b"$_SESSION['cvv'] = $_POST['cvv'];\n$_SESSION['name'] = $_POST['name'];\n",
        # a password alone: a careless sign-in
        b"$_SESSION['user'] = $_POST['user'];\n$_SESSION['pass'] = $_POST['pass'];\n",
        # a passport number is no password
        b"$_SESSION['cvv'] = $_POST['cvv'];\n$_SESSION['p'] = $_POST['passport'];\n",
        # a payment module of its own
        b"class Pay extends WC_Payment_Gateway {}\n"
        b"$_SESSION['cvv'] = $_POST['cvv'];\n$_SESSION['password'] = $_POST['password'];\n",
    ],
)
def test_other_session_writes_are_not(code: bytes) -> None:
    assert RULE not in rule_ids(analyze_bytes(b"<?php\nsession_start();\n" + code))
