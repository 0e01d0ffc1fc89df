<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// a release hook: the tag comes through a helper that checks it against a safe pattern
function release_tag()
{
    $t = $_POST['tag'] ?? '';
    if (!preg_match('/^[a-z0-9.-]{1,40}$/i', $t)) {
        http_response_code(422);
        exit;
    }
    return $t;
}
if (hash_equals((string) getenv('HOOK_SECRET'), $_SERVER['HTTP_X_HOOK_SECRET'] ?? '')) {
    echo shell_exec('cd /srv/site && git fetch --tags && git checkout ' . release_tag() . ' 2>&1');
}
