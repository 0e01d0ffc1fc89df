<?php
// Report table built row by row; a small PNG logo kept inline in pieces.
$html = '';
$html .= '<table class="report">';
$html .= '<thead><tr><th>Day</th><th>Orders</th><th>Total</th></tr></thead>';
$html .= '<tbody>';
foreach ($rows as $r) {
    $html .= '<tr><td>' . htmlspecialchars($r['day']) . '</td><td>' . (int) $r['n'] . '</td></tr>';
}
$html .= '</tbody>';
$html .= '</table>';
$logo = '';
$logo .= 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ';
$logo .= 'CAYAAAAf8/9hAAAAGXRFWHRTb2Z0d2Fy';
$logo .= 'ZQBBZG9iZSBJbWFnZVJlYWR5ccllPAAA';
$logo .= 'AHFJREFUeNpi/P//PwMlgImBQjDwBrC';
echo '<img src="data:image/png;base64,' . $logo . '">' . $html;
