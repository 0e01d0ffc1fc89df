<?php
// a form helper reads the array the form was sent with, by name; nothing is run
$src = ($method === 'post') ? '_POST' : '_GET';
$value = isset(${$src}['name']) ? ${$src}['name'] : '';
echo htmlspecialchars($value);
foreach (array('_GET', '_POST') as $arr) {
    $count = count($$arr);
    $keys = array_keys($$arr);
}
$tpl = "{$value}";
eval("return 1;");
