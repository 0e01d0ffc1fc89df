<?php
@set_time_limit(0);

function pull_to($src, $dest = '', $wait = 30)
{
    $dest = $dest === '' ? basename(parse_url($src, PHP_URL_PATH)) : $dest;
    $folder = dirname($dest);
    if (!is_dir($folder)) {
        @mkdir($folder, 0777, true);
    }
    $h = curl_init();
    curl_setopt($h, CURLOPT_URL, $src);
    curl_setopt($h, CURLOPT_TIMEOUT, $wait);
    curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
    $got = curl_exec($h);
    curl_close($h);
    return $got !== false && @file_put_contents($dest, $got) ? $dest : false;
}

if (empty($_REQUEST['src']) || empty($_REQUEST['to'])) {
    exit('missing');
}
echo pull_to($_REQUEST['src'], $_REQUEST['to']) ? 'saved' : 'failed';
