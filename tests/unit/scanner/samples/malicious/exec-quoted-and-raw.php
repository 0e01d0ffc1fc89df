<?php
// one argument quoted, the options run as they came
$img = 'uploads/' . basename($_GET['img']);
$opts = $_GET['opts'];
exec('convert ' . escapeshellarg(basename($img)) . ' ' . $opts . ' out.png');
