<?php
// A ZIP entry header written with pack(), and settings read back from their exported form.
function zip_header($fh, $name, $crc, $size) {
    fwrite($fh, pack('VvvvvvVVVvv', 0x04034b50, 20, 0, 8, 0, 0, $crc, $size, $size, strlen($name), 0));
    fwrite($fh, $name);
}
$settings = eval('return ' . var_export(array('level' => 6), true) . ';');
echo $settings['level'];
