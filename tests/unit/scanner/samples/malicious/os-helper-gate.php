<?php
// test fixture: a kit's gate refusing Linux among other platforms, named by its own helper
require_once __DIR__ . '/lib/visitor.php';
$v = new Visitor();
if (
        $v->getOS() == "Windows 95"                  ||
        $v->getOS() == "Windows 98"                  ||
        $v->getOS() == "Windows ME"                  ||
        $v->getOS() == "Windows 2000"                ||
        $v->getOS() == "Windows Vista"               ||
        $v->getOS() == "BlackBerry"                  ||
        $v->getOS() == "Unknown OS"                  ||
        $v->getOS() == "Ubuntu"                      ||
        $v->getOS() == "Linux"
) {
    echo $v->notFound();
    $v->log('blocked.txt', 'OS ' . $v->getOS());
    die();
}
include __DIR__ . '/login.html';
