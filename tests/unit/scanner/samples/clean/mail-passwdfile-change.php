<?php
// a webmail password changer for a server whose mail server reads a passwd-file of its
// own (/etc/dovecot/passwd): the user's own line rewritten, after the old password checked;
// and the system's user list only read to show the mail users' names
require __DIR__ . '/session.php';
$file = '/etc/dovecot/passwd';
$lines = file($file, FILE_IGNORE_NEW_LINES);
foreach ($lines as $i => $line) {
    [$name, $hash] = explode(':', $line, 3);
    if ($name === $_SESSION['user'] && password_verify($_POST['old'], $hash)) {
        $lines[$i] = $name . ':' . password_hash($_POST['new'], PASSWORD_BCRYPT) . ':';
    }
}
file_put_contents($file, implode("\n", $lines) . "\n");
$users = array_map(fn ($l) => strtok($l, ':'), file('/etc/passwd'));
$fh = fopen('/etc/passwd', 'r');
echo count($users), ' system users; css box-shadow kept';
