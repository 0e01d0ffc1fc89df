<?php
$p = $_GET['p'];
exec("/usr/bin/$p -la", $out);
echo implode("\n", $out);
