<?php
function initials(array $row)
{
    return strtoupper($row['first'][0] . $row['middle'][0] . $row['last'][0] . $row['suffix'][0]);
}
$label = ($row['first'][0] . $row['first'][1] . $row['first'][2] . $row['first'][3]);
printf('%s (%s)', $label, initials(['first' => 'Anna', 'middle' => 'Bea', 'last' => 'Cole', 'suffix' => 'Jr']));
