<?php
// an installer that retries writing its config until the folder is writable, then leaves
ignore_user_abort(true);
set_time_limit(0);
$config = "<?php\ndefine('DB_HOST', 'localhost');\n";
while (true) {
    if (@file_put_contents(__DIR__ . '/config.php', $config) !== false) {
        break;
    }
    sleep(5);
}
echo 'installed';
