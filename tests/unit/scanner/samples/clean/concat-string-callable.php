<?php
// a report line: a date function called by its name, glued after a label
define('LABEL', 'Generated on ');
$line = LABEL . 'date'('Y-m-d');
$total = 'Items: ' . 'count'([1, 2, 3]);
echo htmlspecialchars($line . ' / ' . $total);
