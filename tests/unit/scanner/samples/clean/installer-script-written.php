<?php
// a self-hosted app's installer: it writes its cron helper as it is and runs it once
$script = "#!/bin/sh\ncd " . escapeshellarg(__DIR__) . " && php artisan schedule:run\n";
file_put_contents(__DIR__ . '/cron.sh', $script);
chmod(__DIR__ . '/cron.sh', 0755);
$settings = base64_decode('eyJjYWNoZSI6ICJyZWRpcyIsICJkZWJ1ZyI6IGZhbHNlfQ==');
file_put_contents(__DIR__ . '/settings.json', $settings);
echo shell_exec('sh ' . escapeshellarg(__DIR__ . '/cron.sh') . ' 2>&1');
echo shell_exec('php -r "echo 1;" settings.json');
