<?php
// spamtrace test sample: clean look-alike (a CSRF guard calls the failure handler its
// configuration names, kept whole in $GLOBALS, with the token the form posted; a label is
// glued with implode() but never called).
$GLOBALS['guard'] = ['callback' => 'guard_failed', 'field' => '__token'];
function guard_failed(string $token): void
{
    header('HTTP/1.1 403 Forbidden');
    echo 'Invalid form token.';
}
function guard_check(): void
{
    $token = $_POST[$GLOBALS['guard']['field']] ?? '';
    if (!hash_equals($_SESSION['token'] ?? '', $token)) {
        $callback = $GLOBALS['guard']['callback'];
        $label = implode(' ', ['token', 'rejected']);
        error_log($label);
        $callback($token);
    }
}
