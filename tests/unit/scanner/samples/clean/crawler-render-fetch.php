<?php
// dynamic rendering through the file's own helper: the crawler's own URL is rendered
function is_crawler()
{
    return preg_match('/googlebot|bingbot/i', $_SERVER['HTTP_USER_AGENT'] ?? '') === 1;
}

function fetch_rendered($address)
{
    $ch = curl_init($address);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    $body = curl_exec($ch);
    curl_close($ch);
    return $body;
}

$render = 'https://render.example.test/?url=' . urlencode('https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI']);
if (is_crawler()) {
    $html = fetch_rendered($render);
    if ($html) {
        echo $html;
        exit;
    }
}
require __DIR__ . '/app.php';
