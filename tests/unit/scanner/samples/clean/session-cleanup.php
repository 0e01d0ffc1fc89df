<?php
/**
 * Cron job: delete this site's own session files older than a day (clean look-alike for
 * shell.session-harvest: it lists the session folder but never reads a session).
 */
$dir = session_save_path() ?: sys_get_temp_dir();
foreach (glob(rtrim($dir, '/') . '/sess_*') as $path) {
    if (filemtime($path) < time() - 86400) {
        unlink($path);
    }
}
$log = fopen(__DIR__ . '/cleanup.log', 'a');
fwrite($log, date('c') . " sessions cleaned\n");
fclose($log);
