<?php
// the output array of exec() printed: a shell with a program name in front
exec('nslookup ' . $_POST['h'], $lines);
foreach ($lines as $l) {
    print $l . "\n";
}
