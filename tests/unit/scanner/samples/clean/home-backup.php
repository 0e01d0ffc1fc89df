<?php
// Nightly backup (run from root's cron on the command line): each account's site archived.
if (PHP_SAPI !== 'cli') { exit("command line only\n"); }
$dest = '/backup/' . date('Y-m-d');
@mkdir($dest, 0700, true);
foreach (scandir('/home') as $account) {
    if ($account[0] === '.' || !is_dir("/home/$account/public_html")) continue;
    $archive = "$dest/$account.tar.gz";
    $cmd = 'tar -czf ' . escapeshellarg($archive) . ' -C ' . escapeshellarg("/home/$account") . ' public_html';
    exec($cmd, $out, $rc);
    echo $rc === 0 ? "ok $account\n" : "FAILED $account\n";
}
