<?php
// test sample (never run): an open mail relay; everything comes straight from the request
if (isset($_POST['to'])) {
    mail($_POST['to'], $_POST['subject'], $_POST['body'], 'From: ' . $_POST['from']);
    echo 'sent';
}
