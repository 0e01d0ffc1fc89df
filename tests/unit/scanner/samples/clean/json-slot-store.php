<?php
$data = $_POST['json'];
$slot = $_GET['slot'];
file_put_contents(__DIR__ . '/saves/' . $slot . '.json', $data);
echo '{"ok":true}';
