<?php
// a theme switch by device: phones and desktops get different scripts (no crawler named)
function is_mobile() {
    $ua = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
    foreach (array('android', 'iphone', 'ipad', 'mobile') as $d) {
        if (strpos($ua, $d) !== false) return true;
    }
    return false;
}
if (is_mobile()) {
    include __DIR__ . '/mobile.php';
} else {
    include __DIR__ . '/desktop.php';
}
