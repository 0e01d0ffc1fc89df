<?php
// look-alike: a helper returns the name of a formatting function that is then called
function pick($w, $tail = 'er')
{
    return strrev($w) . $tail;
}
$h = pick('ppuotrts');
echo implode(', ', array_map($h, array('one', 'two')));
