<?php
// a kit's gate: Google's crawler ranges refused (written for the tests, never run)
$ranges = ["66.249.64.0/19", "64.233.160.0/19", "74.125.0.0/16", "209.85.128.0/17", "216.239.32.0/19"];
foreach ($ranges as $r) {
    if ($_SERVER["REMOTE_ADDR"] == $r) {
        exit("Access Denied");
    }
}
