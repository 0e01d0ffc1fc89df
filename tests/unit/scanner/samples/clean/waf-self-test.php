<?php
// the firewall plugin checks that its rules block the usual probes on this very site
$probes = array("1' union select 1,2,3-- -", "x' or '1'='1", '<script>alert(1)</script>');
$base = (isset($_SERVER['HTTPS']) ? 'https://' : 'http://') . $_SERVER['HTTP_HOST'];
foreach ($probes as $p) {
    $ch = curl_init($base . '/?q=' . rawurlencode($p));
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_exec($ch);
    $code = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    echo htmlspecialchars($p) . ': ' . ($code === 403 ? 'blocked' : 'NOT blocked') . "\n";
}
