<?php
// Old template code that names its row variables with braces.
$rows = array('alpha', 'beta', 'gamma');
foreach ($rows as $n => $label) {
    ${'row_' . $n} = strtoupper($label);
    ${"cell" . ($n + 1)} = str_repeat('-', $n);
}
$kind = isset($_GET['kind']) ? 'filter' : 'plain';
${'_' . $kind} = true;
echo $row_0, $row_1, $cell1;
