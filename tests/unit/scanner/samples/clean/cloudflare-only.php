<?php
// a site that only answers through Cloudflare: its published ranges, an honest refusal
$cloudflare = ["173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",
    "141.101.64.0/18", "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20"];
function in_range($ip, $cidr) {
    [$net, $bits] = explode('/', $cidr);
    $mask = -1 << (32 - (int) $bits);
    return (ip2long($ip) & $mask) === (ip2long($net) & $mask);
}
$ok = false;
foreach ($cloudflare as $cidr) {
    $ok = $ok || in_range($_SERVER['REMOTE_ADDR'], $cidr);
}
if (!$ok) {
    header('HTTP/1.1 403 Forbidden');
    exit('Please use the site address, not the server address.');
}
