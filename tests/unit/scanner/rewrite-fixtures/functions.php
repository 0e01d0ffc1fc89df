<?php
// helpers and closures; nothing here is run against a scanned file
function greet($who, $times = 2)
{
    $out = '';
    for ($i = 0; $i < $times; $i++) {
        $out .= "Hello, $who! ";
    }
    return trim($out);
}

function &counter()
{
    static $n = 0;
    $n++;
    return $n;
}

$names = array('ann', "bob\t", 'carl');
$upper = array_map('strtoupper', array_map('trim', $names));
echo implode(',', $upper), "\n";
echo greet('world'), "\n";
counter();
echo counter() . "\n";
$double = function ($x) use ($names) { return $x * 2 + count($names); };
$triple = fn($x) => $x * 3 + strlen('abc');
echo $double(4), ' ', $triple(5), "\n";
echo call_user_func('greet', 'cb', 1), "\n";
$GLOBALS['shared'] = 'g';
function readShared() { return $GLOBALS['shared'] . str_repeat('!', 2); }
echo readShared(), "\n";
$key = 'dyn';
$$key = 'variable variable';
echo $dyn, "\n";
echo sprintf("%05.1f|%x|%s", 3.14159, 255, 'done'), "\n";
$msg = <<<EOT
Heredoc with $key and {$names[0]}
EOT;
echo $msg, "\n";
echo <<<'NOW'
nowdoc $not
NOW;
echo "\n", 'single \'quoted\' \\ back', "\n";
echo "esc: \x41\102\u{43} \$x", "\n";
$n = 10 - -2 + 3 * 4 ** 2 % 7;
echo $n . '5' + 1, "\n";
echo (int) '12abc' + (float) "1.5", "\n";
echo 'abc'[1], "\n";
if (!empty($_GET['q']) || isset($_POST['q'])) { echo 'request'; } else { echo "no request\n"; }
$arr = ['a' => 1, 'b' => 2];
foreach ($arr as $k => &$v) { $v = $v * 10; }
unset($v);
echo json_encode($arr), "\n";
echo preg_match('|/\.\.(?!\.)|', '/../x'), preg_replace('|/?[^/]+/\.\.(?!\.)|', '', 'a/b/../c'), "\n";
echo 'tab\tstays', ' back\\slash\'', "\n";
