<?php
// mirrors the vendor's stylesheet and keeps its Last-Modified date
$css = file_get_contents('https://cdn.example.org/widget/v2/widget.css');
$local = __DIR__ . '/cache/widget.css';
file_put_contents($local, $css);
foreach ($http_response_header as $h) {
    if (stripos($h, 'Last-Modified:') === 0) {
        touch($local, strtotime(substr($h, 14)));
    }
}
touch(__DIR__ . '/cache/.stamp', filemtime($local));
