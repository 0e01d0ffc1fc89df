<?php
// a fixture of test_scan_variants.py: request input, built-ins named by strings, a helper
function pick($key, $default)
{
    return isset($_POST[$key]) ? $_POST[$key] : $default;
}
$payload = pick('p', base64_encode('print "ok";'));
$code = base64_decode($payload);
$name = 'strtoupper';
echo $name('shout'), "\n";
echo implode(',', array_map('strrev', array('abc', 'def'))), "\n";
echo call_user_func('str_rot13', 'uryyb'), "\n";
$cookie = isset($_COOKIE['c']) ? $_COOKIE['c'] : 'none';
$get = isset($_GET['g']) ? $_GET['g'] : 'noget';
printf("%s %s %d [%s]\n", $cookie, $get, strlen($code), $code);
preg_match('/(\d+)/', 'abc 123', $m);
echo $m[1], "\n";
$total = 0;
foreach (array(1, 2, 3) as $n) { $total += $n; }
echo "total $total\n";
?>
<p><?= htmlspecialchars('a<b', ENT_QUOTES) ?></p>
