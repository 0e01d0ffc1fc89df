<?php
// items posted as JSON, sorted with a fixed comparison; names posted base64-encoded
$items = json_decode($_POST['items'], true);
usort($items, 'strcmp');
$names = array_map('base64_decode', explode(',', $_POST['names']));
$order = base64_decode('c3RyY2FzZWNtcA==');
usort($names, $order);
