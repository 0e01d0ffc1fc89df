<?php
// a staging copy's anonymizer, run by the site's admin: every database, table and column
// is visited and the e-mail addresses in it are replaced by placeholders (an UPDATE, and
// a count of the rows left without one: nothing is collected)
require __DIR__ . '/admin-auth.php';
$db = new mysqli($cfg['host'], $cfg['user'], $cfg['pass']);
foreach ($db->query("SHOW DATABASES") as $d) {
    $base = $d['Database'];
    foreach ($db->query("SHOW TABLES FROM `$base`") as $t) {
        $table = reset($t);
        foreach ($db->query("SHOW COLUMNS FROM `$base`.`$table`") as $c) {
            $col = $c['Field'];
            $db->query("UPDATE `$base`.`$table` SET `$col` = CONCAT('user', id, '@example.invalid') WHERE `$col` LIKE '%@%'");
            $left = $db->query("SELECT COUNT(*) FROM `$base`.`$table` WHERE `$col` NOT LIKE '%@%'");
            echo htmlspecialchars("$base.$table.$col"), ': ', (int) $left->fetch_row()[0], "\n";
        }
    }
}
