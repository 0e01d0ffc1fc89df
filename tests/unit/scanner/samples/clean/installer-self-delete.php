<?php
// install.php: loads the schema, then removes itself so nobody runs it twice
ignore_user_abort(true);
set_time_limit(0);
$db = new PDO('mysql:host=localhost;dbname=shop', 'shop', getenv('DB_PASS'));
foreach (explode(";\n", file_get_contents(__DIR__ . '/schema.sql')) as $statement) {
    if (trim($statement) !== '') {
        $db->exec($statement);
    }
}
file_put_contents(__DIR__ . '/installed.lock', date('c'));
@unlink(__FILE__);
header('Location: admin/');
exit;
