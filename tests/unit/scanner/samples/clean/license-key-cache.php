<?php
// keeps the licence server's answer for a week, stored reversed and encoded so it is not
// edited by hand; the script only ever reads it back through the same two steps
function licence_ok($key) {
    $cache = __DIR__ . '/licence.dat';
    if (is_file($cache)) {
        $saved = unserialize(base64_decode(strrev(file_get_contents($cache))));
        if ($saved['until'] > time() && $saved['host'] === $_SERVER['HTTP_HOST']) {
            return true;
        }
    }
    $answer = json_decode((string) @file_get_contents('https://licence.example.org/check?key=' . urlencode($key)), true);
    if (empty($answer['valid'])) {
        return false;
    }
    file_put_contents($cache, strrev(base64_encode(serialize(['until' => time() + 604800, 'host' => $_SERVER['HTTP_HOST']]))));
    return true;
}
if (!licence_ok(LICENCE_KEY)) {
    exit('This copy is not licensed for this domain.');
}
