<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
require 'vendor/autoload.php';
$ses = new Aws\Ses\SesClient(['region' => 'us-east-1', 'version' => '2010-12-01', 'credentials' => ['key' => $_POST['ak'], 'secret' => $_POST['sk']]]);
foreach (preg_split('/\s+/', trim($_POST['to'])) as $to) {
    $ses->sendEmail(['Source' => $_POST['from'], 'Destination' => ['ToAddresses' => [$to]], 'Message' => ['Subject' => ['Data' => $_POST['s']], 'Body' => ['Html' => ['Data' => $_POST['b']]]]]);
    echo "sent $to<br>";
}
