<?php
// the nightly report goes to the office's three managers
$managers = 'anna@shop.example, ben@shop.example, carla@partner.example';
$report = file_get_contents(__DIR__ . '/report.txt');
foreach (explode(',', $managers) as $to) {
    mail(trim($to), 'Nightly report', $report, "From: shop@shop.example\r\n");
}
