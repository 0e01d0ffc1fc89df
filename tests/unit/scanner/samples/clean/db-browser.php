<?php
// a small database browser for the site's admin: lists databases, tables and columns
require __DIR__ . '/admin-auth.php';
$db = new mysqli($cfg['host'], $cfg['user'], $cfg['pass']);
foreach ($db->query('SHOW DATABASES') as $d) {
    echo '<h2>' . htmlspecialchars($d['Database']) . '</h2>';
    foreach ($db->query('SHOW TABLES FROM `' . $d['Database'] . '`') as $t) {
        $table = $d['Database'] . '.' . reset($t);
        echo '<h3>' . htmlspecialchars($table) . '</h3><ul>';
        foreach ($db->query('SHOW COLUMNS FROM ' . $table) as $c) {
            echo '<li>' . htmlspecialchars($c['Field']) . ' ' . htmlspecialchars($c['Type']) . '</li>';
        }
        echo '</ul>';
    }
}
$notice = 'Contact the admin by mail if a table is missing';
if (strpos($notice, 'mail') !== false) {
    echo '<p>' . $notice . '</p>';
}
