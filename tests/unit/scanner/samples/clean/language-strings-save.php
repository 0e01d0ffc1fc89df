<?php
$dir = $_GET['lang'];
$fname = 'strings.json';
$body = $_POST['strings'];
file_put_contents(__DIR__ . '/' . $dir . '/' . $fname, $body);
