<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A module loader whose posted name is matched against a pattern of plain names first.
$mod = $_POST['m'];
if (!preg_match('/^[a-z]+$/', $mod)) {
    exit('bad module');
}
require_once './modules/' . $mod . '.php';
