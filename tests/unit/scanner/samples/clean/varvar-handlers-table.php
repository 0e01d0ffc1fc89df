<?php
// a settings page that calls the formatter a column names, from its own table
$formatters = array('date' => 'format_date', 'money' => 'format_money');
function format_date($v) { return date('Y-m-d', (int) $v); }
function format_money($v) { return number_format((float) $v, 2); }
$format_date = 'format_date';
$format_money = 'format_money';
$col = 'format_' . (isset($_GET['col']) && $_GET['col'] === 'money' ? 'money' : 'date');
foreach ($rows as $row) {
    echo htmlspecialchars($row['label']), ': ', ${$col}($row['value']), "\n";
}
$cb = 'format_date';
echo $$cb ?? '';
