<?php
// a payload kept as hex pieces and evaluated through pack('H*') (written for the tests,
// never run; the hex spells: echo "harmless test payload";)
$h[] = '6563686f2022';
$h[] = '6861726d6c657373207465737420';
$h[] = '7061796c6f6164223b';
eval(pack('H*', join('', $h)));
