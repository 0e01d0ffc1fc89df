<?php
// form fields cleaned with callbacks: a sanitizer name, a closure
$name = filter_var($_POST['name'], FILTER_CALLBACK, array('options' => 'trim'));
$tags = filter_input(INPUT_POST, 'tags', FILTER_CALLBACK, array('options' => function ($v) {
    return strtolower(strip_tags($v));
}));
$rows = new ArrayObject(array('b', 'a', 'c'));
$rows->uasort('strcmp');
$cmp = function ($a, $b) { return strlen($a) - strlen($b); };
$rows->uksort($cmp);
