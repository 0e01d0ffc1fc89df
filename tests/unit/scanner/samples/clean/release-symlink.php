<?php
// Deployer step: point "current" at the new release and keep the shared config linked in.
$base = '/var/www/shop';
$release = $base . '/releases/' . date('YmdHis');
@unlink($release . '/wp-config.php');
symlink($base . '/shared/wp-config.php', $release . '/wp-config.php');
$tmp = $base . '/current.tmp';
@unlink($tmp);
symlink($release, $tmp);
rename($tmp, $base . '/current');
