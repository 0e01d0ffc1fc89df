<?php
// search-engine address prefixes refused with a fake 404 (written for the tests, never run)
$bannedIP = array("^66.102.*.*", "^38.100.*.*", "^107.170.*.*", "^64.233.160.*", "^72.14.*.*", "^209.85.*.*");
foreach ($bannedIP as $ip) {
    if (preg_match('/' . $ip . '/', $_SERVER['REMOTE_ADDR'])) {
        header("HTTP/1.0 404 Not Found");
        exit();
    }
}
