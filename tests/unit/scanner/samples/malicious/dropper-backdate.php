<?php
// an anti-forensic dropper (written for the tests, never run; the payload is harmless)
$dir = dirname(__FILE__);
$old = filemtime($dir . '/index.php');
file_put_contents($dir . '/wp-cache-data.php', '<?php /* harmless test payload */ ?>');
@touch($dir . '/wp-cache-data.php', $old, $old);
@unlink(__FILE__);
