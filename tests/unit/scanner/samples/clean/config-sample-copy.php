<?php
// spamtrace test sample: clean look-alike (an installer puts the sample settings in place
// on the first run and loads them: the source is a file the script names).
$config = __DIR__ . '/config.php';
if (!is_file($config)) {
    file_put_contents($config, file_get_contents(__DIR__ . '/config.sample.php'));
}
require $config;
$defaults = __DIR__ . '/defaults.php';
$copy = file_get_contents($defaults);
file_put_contents('active.php', $copy);
include 'active.php';
