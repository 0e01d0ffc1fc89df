<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The page of a spam mailer that names itself: every address of a posted list gets the
// posted letter from the posted sender.
echo '<title>Inbox Mass Mailer</title>';
if (isset($_POST['send'])) {
    $list = explode("\n", $_POST['emails']);
    foreach ($list as $to) {
        mail(trim($to), $_POST['subject'], $_POST['letter'], 'From: ' . $_POST['from']);
    }
}
