<?php
error_reporting(E_ALL);
$_GET['cmd'] = 'list';
$_POST['a'] = 'b';
function handle() {
    $c = isset($_GET['cmd']) ? $_GET['cmd'] : 'none';
    return $c . '/' . count($_POST) . '/' . (empty($_COOKIE) ? 'nocookie' : 'cookie');
}
echo handle(), "\n";
foreach ($_POST as $k => $v) { echo "$k=$v\n"; }
$f = 'str' . 'rev';
echo $f('abc'), "\n";
echo base64_encode(gzdeflate('data')) === base64_encode(gzdeflate("data")) ? "same\n" : "differ\n";
