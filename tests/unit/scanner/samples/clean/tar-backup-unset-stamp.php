<?php
echo "<h2>Archiving your website</h2>";
$savepath = 'wp-content/uploads/';
// delete previous backups
$output = exec('rm wp-content/uploads/snapshot-*.tar');
// the stamp is set by the plugin page that includes this step
$filename = 'snapshot-' . $filetime . '.tar';
update_option('snapshot_latest', $filename);
// execute tar at system level
$output = exec("tar -cvf $savepath$filename *");
$output = exec("rm wp-content/uploads/snapshot-db-*.sql");
