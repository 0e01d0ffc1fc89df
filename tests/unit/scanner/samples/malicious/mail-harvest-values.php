<?php
// a mailing-list harvester that keeps every value shaped like an address, whatever the
// column is called: every database, table and column searched with an e-mail pattern
// (written for the tests, never run)
$db = new mysqli('localhost', $_POST['u'], $_POST['p']);
$out = fopen('list.txt', 'a');
foreach ($db->query("SHOW DATABASES") as $d) {
    $base = $d['Database'];
    foreach ($db->query("SHOW TABLES FROM `$base`") as $t) {
        $table = reset($t);
        foreach ($db->query("SHOW COLUMNS FROM `$base`.`$table`") as $c) {
            $col = $c['Field'];
            $rows = $db->query("SELECT `$col` FROM `$base`.`$table` WHERE `$col` REGEXP '[A-Z0-9._%+-]+@[A-Z0-9.-]+\\.[A-Z]'");
            foreach ($rows as $r) {
                fwrite($out, reset($r) . "\n");
            }
        }
    }
}
