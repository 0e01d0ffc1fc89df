<?php
// test fixture: a download page picking the package for the visitor's platform
require_once __DIR__ . '/lib/platform.php';
$p = new Platform();
if ($p->getOS() == 'Linux') {
    header('Location: /downloads/app-linux.tar.gz');
    exit;
}
if ($p->getOS() == 'Windows 10' || $p->getOS() == 'Windows 11') {
    header('Location: /downloads/app-setup.exe');
    exit;
}
$counts = ['linux' => 0];
if ($p->getOS() == 'Ubuntu' || $p->getOS() == 'Linux') {
    $counts['linux']++;
}
echo 'Choose your download';
