<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A module loader: a posted name joined to the script's modules folder and included, no
// list of modules checked (local file inclusion: suspicious, like a page router).
$mod = $_POST['m'];
require_once './modules/' . $mod;
