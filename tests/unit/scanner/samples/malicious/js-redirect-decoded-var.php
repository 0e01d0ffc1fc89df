<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$go = base64_decode('aHR0cHM6Ly9sb3R0by13aW4uZXhhbXBsZS9y');
if (empty($_COOKIE['_r'])) {
    echo "<script>setTimeout(function(){window.top.location.href='$go';},100);</script>";
}
