"""A mailer object's send() is a send however it is spaced or commented."""

from __future__ import annotations

from scanner_helpers import analyze_bytes, rule_ids

SPACED_SEND = b"$mail -> /* go */ Send ( );\n"


def test_a_brand_message_id_with_a_spaced_send_is_found() -> None:
    data = (
        b"<?php\n$mail = new PHPMailer(true);\n$mail->addAddress($to);\n"
        b"$mail-> /* x */ MessageID = '<' . md5(rand()) . '@us-east-4.console.aws.amazon.com>';\n"
        + SPACED_SEND
    )
    assert "mailer.brand-message-id" in rule_ids(analyze_bytes(data))


def test_a_brand_sender_with_a_spaced_send_is_found() -> None:
    data = (
        b"<?php\n$mail = new PHPMailer(true);\n$mail->addAddress($to);\n"
        b"$mail->addCustomHeader('From: PayPal <service@paypal.com>');\n" + SPACED_SEND
    )
    assert "mailer.brand-sender" in rule_ids(analyze_bytes(data))


def test_a_message_id_at_the_sites_own_host_stays_quiet_however_sent() -> None:
    data = (
        b"<?php\n$mail = new PHPMailer(true);\n$mail->addAddress($to);\n"
        b"$mail->MessageID = '<' . md5(rand()) . '@shop.example.org>';\n" + SPACED_SEND
    )
    assert "mailer.brand-message-id" not in rule_ids(analyze_bytes(data))
