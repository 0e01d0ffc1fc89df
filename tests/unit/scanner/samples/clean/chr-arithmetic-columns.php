<?php
// test fixture: spreadsheet column letters and a shifted alphabet worked out with chr()
$cols = [];
for ($i = 0; $i < 26; $i++) {
    $cols[] = chr(ord('A') + $i);
}
$last = chr(64 + 2 * 13);
$sheet = ['name' => chr(65 + 1) . '1', 'sum' => chr(ord('a') + 2) . '9'];
${'totals'}[$last] = 0;
echo implode(',', $cols), $sheet['name'];
