<?php
// a kit's gate: the visitor's address looked up, proxies and hosting machines told 404
// (written for the tests, never run)
$r = json_decode(file_get_contents('http://ip-api.com/json/' . getenv('REMOTE_ADDR') . '?fields=proxy,hosting'));
if ($r->proxy || $r->hosting) {
    header('HTTP/1.1 404 Not Found');
    exit;
}
