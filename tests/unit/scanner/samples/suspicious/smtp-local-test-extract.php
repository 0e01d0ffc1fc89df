<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A development server's mail test page: the old way of reading a form (every posted field
// a variable: a hole, so suspicious), mail() to the address typed, and a fixed test letter
// to a fixed address through the local MTA. Nothing in it decides for a stranger's script.
@extract($_POST, EXTR_SKIP);
if (empty($to)) $to = "me@example.invalid";
if (!empty($send_mail)) {
    echo mail($to, "Test", "If you see this, mail() works.") ? "mail() OK" : "mail() failed";
}
if (!empty($send_smtp)) {
    $f = fsockopen('127.0.0.1', 25, $errno, $errstr, 3);
    if ($f) {
        fwrite($f, "HELO localhost\r\n"); fread($f, 128);
        fwrite($f, "MAIL FROM: <test@example.invalid>\r\n"); fread($f, 128);
        fwrite($f, "RCPT TO: <test@example.invalid>\r\n"); fread($f, 128);
        fwrite($f, "DATA\r\n"); fread($f, 128);
        fwrite($f, "Subject: Testing mail\r\n\r\nToday is " . date("r") . ".\r\n.\r\n");
        fwrite($f, "QUIT\r\n");
        fclose($f);
    }
}
?>
<form method="post"><input name="to"><button name="send_mail" value="1">mail()</button>
<button name="send_smtp" value="1">SMTP</button></form>
