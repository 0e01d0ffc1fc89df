"""A payment listener that has each notification checked by the payment service (PayPal's
IPN protocol) and mails the shop owner at a free-mail box is no data drop
(mailer.freemail-drop); the protocol's words alone, never sent back, do not make one."""

from __future__ import annotations

from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.report import ScanVerdict

# an old socket listener: the posted fields written back to the service, the answer read,
# the sale stored with the posted values (an injectable INSERT) and the owner told
SOCKET_LISTENER = b"""<?php
mysql_connect("localhost", "root", "");
$req = 'cmd=_notify-validate';
foreach ($_POST as $key => $value) {
    $req .= "&$key=" . urlencode(stripslashes($value));
}
$header = "POST /cgi-bin/webscr HTTP/1.0\\r\\nContent-Length: " . strlen($req) . "\\r\\n\\r\\n";
$fp = fsockopen('ssl://www.paypal.com', 443, $errno, $errstr, 30);
$item = $_POST['item_number'];
$txn = $_POST['txn_id'];
if (!$fp) {
    mail("owner.example@yahoo.com", "IPN: no connection", $errstr, "From: owner.example@yahoo.com");
} else {
    fputs($fp, $header . $req);
    while (!feof($fp)) {
        $res = fgets($fp, 1024);
        if (strcmp($res, "VERIFIED") == 0) {
            mysql_query("INSERT INTO sales (item, txn) VALUES ('$item', '$txn')");
            mail("owner.example@yahoo.com", "sold $item", "transaction $txn",
                "From: owner.example@yahoo.com");
        }
    }
    fclose($fp);
}
"""


def test_a_listener_that_has_the_notice_verified_mails_its_owner_not_a_drop() -> None:
    result = analyze_bytes(SOCKET_LISTENER, "ipn.php")
    assert "mailer.freemail-drop" not in rule_ids(result)
    assert result.verdict is not ScanVerdict.MALICIOUS


def test_the_protocol_words_never_sent_back_still_leave_a_drop() -> None:
    unsent = SOCKET_LISTENER.replace(b"fputs($fp, $header . $req);", b"fputs($fp, $header);")
    assert "mailer.freemail-drop" in rule_ids(analyze_bytes(unsent, "ipn.php"))


def test_a_notice_posted_back_but_no_answer_checked_is_still_a_drop() -> None:
    unchecked = SOCKET_LISTENER.replace(b'"VERIFIED"', b'"OK"')
    assert "mailer.freemail-drop" in rule_ids(analyze_bytes(unchecked, "ipn.php"))
