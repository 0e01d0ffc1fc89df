<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A table lookup for the folder, but the file name is the request's own text joined after it.
$areas = array('admin' => 'admin/', 'site' => 'site/');
include './modules/' . $areas[$_GET['area']] . $_GET['page'] . '.php';
