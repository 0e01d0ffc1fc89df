<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// An unsubscribe form: the address is SQL-escaped, then joined between the quotes of the
// script's own INSERT by concatenation ("... values('" . $email . "', ...)").
$conn = mysqli_connect('localhost', 'news', 'secret', 'news');
if (isset($_POST['email'])) {
    $email = mysqli_real_escape_string($conn, $_POST['email']);
    $when = date('Y-m-d H:i:s');
    $q = "INSERT INTO unsubscribe(email, stamp) VALUES('" . $email . "', '" . $when . "')";
    if (mysqli_query($conn, $q)) {
        echo 'You will get no more mail from us.';
    }
}
