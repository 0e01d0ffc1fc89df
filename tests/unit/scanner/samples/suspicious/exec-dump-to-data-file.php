<?php
// Export one of the site's databases as a .sql file into the backups folder.
if (isset($_GET['db'])) {
    $name = $_GET['db'];
    $dump = $name . '.sql';
    $cmd = "mysqldump --opt -h localhost -u backup " . $name . " > $dump";
    system($cmd);
    if (!is_dir('backups')) {
        mkdir('backups', 0750, true);
    }
    rename($dump, 'backups/' . $dump);
    echo 'Backup written.';
} else {
    echo 'No database given.';
}
