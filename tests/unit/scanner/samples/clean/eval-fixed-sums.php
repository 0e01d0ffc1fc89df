<?php
// Unit-conversion page: evaluates the fixed factors written below.
function factor($expr)
{
    $expr = trim($expr);
    return eval('return ' . $expr . ';') ?: eval($expr);
}
function show($label, $value)
{
    echo htmlspecialchars($label) . ': ' . $value . "<br>\n";
}
show('inch in cm', factor("2.54"));
show('mile in km', factor("1.609344"));
show('hour in s', @factor("60 * 60"));
