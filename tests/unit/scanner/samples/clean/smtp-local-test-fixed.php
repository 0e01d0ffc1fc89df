<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A page that checks the local MTA: a fixed test letter to a fixed address over port 25.
function answer($f) { return fgets($f, 512); }
if (isset($_POST['check'])) {
    $f = fsockopen('localhost', 25, $errno, $errstr, 3);
    if ($f) {
        answer($f);
        fwrite($f, "HELO localhost\r\n"); answer($f);
        fwrite($f, "MAIL FROM: <check@example.invalid>\r\n"); answer($f);
        fwrite($f, "RCPT TO: <postmaster@example.invalid>\r\n"); answer($f);
        fwrite($f, "DATA\r\n"); answer($f);
        fwrite($f, "Subject: MTA check\r\n\r\nSent on " . date("r") . ".\r\n.\r\n"); answer($f);
        fwrite($f, "QUIT\r\n");
        fclose($f);
        echo "The local MTA took the test letter.";
    } else {
        echo "No MTA on port 25: " . htmlspecialchars($errstr);
    }
}
?>
<form method="post"><button name="check" value="1">Send a test letter</button></form>
