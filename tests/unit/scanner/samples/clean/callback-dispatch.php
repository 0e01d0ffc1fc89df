<?php
// a plugin's action dispatcher: the request picks a handler by a prefix or a suffix
function shop_action_list() { return 'list'; }
function shop_action_show() { return 'show'; }
$action = isset($_GET['do']) ? preg_replace('/[^a-z]/', '', $_GET['do']) : 'list';
echo call_user_func('shop_action_' . $action);
$type = $_POST['type'] ?? 'text';
$out = call_user_func_array($type . '_handler', [$_POST]);
$items = new ArrayObject(['b' => 2, 'a' => 1]);
$items->uksort('strcmp');
