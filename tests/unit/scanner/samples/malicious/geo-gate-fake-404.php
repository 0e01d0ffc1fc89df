<?php
// a kit's geo gate: only two countries see the page, the rest get a fake 404
// (written for the tests, never run)
$geo = json_decode(file_get_contents("http://ip-api.com/json/" . $_SERVER['REMOTE_ADDR']));
$targets = array('be', 'nl');
if (!in_array(strtolower($geo->countryCode), $targets)) {
    header("HTTP/1.0 404 Not Found");
    exit;
}
