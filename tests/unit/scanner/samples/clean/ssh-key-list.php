<?php
// account page: the public keys that may log in
$file = posix_getpwuid(posix_geteuid())['dir'] . '/.ssh/authorized_keys';
$keys = is_readable($file) ? file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : array();
foreach ($keys as $k) {
    $p = explode(' ', $k);
    echo '<li>' . htmlspecialchars($p[0] . ' ' . ($p[2] ?? '')) . '</li>';
}
