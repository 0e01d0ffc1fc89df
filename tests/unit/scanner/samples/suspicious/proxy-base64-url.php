<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A news reader's proxy: the page passes the feed address base64-encoded in the query (no
// escaping trouble with "&" and "?"), the script fetches it and prints it. An open proxy
// (a hole: suspicious), but the decoded request is only an address to fetch.
ob_start();
$url = base64_decode($_REQUEST['url']);
$content = fetch_page($url);
die($content);

function fetch_page($url) {
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    curl_setopt($ch, CURLOPT_FOLLOWLOCATION, 1);
    $data = curl_exec($ch);
    curl_close($ch);
    return $data ? $data : false;
}
