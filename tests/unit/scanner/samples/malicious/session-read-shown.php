<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Goes through the server's session files and prints those that hold a login: the test
// of the content does not make it a counter when the content is shown.
$path = session_save_path() ?: sys_get_temp_dir();
foreach (glob($path . '/sess_*') as $f) {
    $data = file_get_contents($f);
    if (strpos($data, 'user_id') !== false) {
        echo basename($f) . ': ' . $data . "\n";
    }
}
