<?php
require 'vendor/autoload.php';
function alive($email) {
    $d = explode('@', $email)[1];
    foreach (dns_get_record($d, DNS_MX) as $r) {
        if ($h = @fsockopen($r['target'], 25, $e, $s, 4)) { fclose($h); return true; }
    }
    return false;
}
function deliver($to) {
    $m = new PHPMailer\PHPMailer\PHPMailer();
    $m->setFrom('promo@deals.example', 'Deals');
    $m->addAddress($to);
    $m->Subject = 'Last chance';
    $m->Body = 'Claim your reward';
    return $m->send();
}
$emails = explode("\n", file_get_contents('list.csv'));
foreach ($emails as $n => $to) {
    if (alive(trim($to))) { deliver(trim($to)); }
}
