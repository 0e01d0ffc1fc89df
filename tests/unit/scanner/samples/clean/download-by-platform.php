<?php
// a download page: each visitor gets the package for their own platform
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
$os = preg_match('/windows/i', $ua) ? 'Windows' : (preg_match('/linux/i', $ua) ? 'Linux' : 'Mac');
if ($os === 'Linux') {
    header('Location: /download/app.tar.gz');
    exit;
}
if ($os == 'Windows' || $os == 'Mac') {
    header('Location: /download/app-' . strtolower($os) . '.zip');
    exit;
}
