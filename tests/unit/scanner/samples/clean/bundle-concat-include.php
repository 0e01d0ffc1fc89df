<?php
// spamtrace test sample: clean look-alike (a build step joins the project's own PHP files
// into one bundle and loads it; each source is a file the loop found, and an installer
// helper copies the file it is given).
$parts = glob(__DIR__ . '/src/*.php');
file_put_contents('build/bundle.php', '');
foreach ($parts as $part) {
    file_put_contents('build/bundle.php', file_get_contents($part), FILE_APPEND);
}
require 'build/bundle.php';

function install_default($src)
{
    file_put_contents('settings.php', file_get_contents($src));
    include 'settings.php';
}
install_default(__DIR__ . '/settings.dist.php');
