<?php
// hosting control panel: show the account's login script, keep a cached copy of the page
$home = getenv('HOME');
$profile = is_readable($home . '/.profile') ? file_get_contents($home . '/.profile') : '';
$html = '<pre>' . htmlspecialchars($profile) . '</pre>';
file_put_contents(__DIR__ . '/cache/env.html', $html);
echo $html;
