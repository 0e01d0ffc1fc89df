<?php
session_start();
if (!isset($_SESSION['cart'])) {
    $_SESSION['cart'] = array();
}
assert(is_array($_SESSION['cart']));
$_SESSION['cart'][] = (int) $_POST['product'];
echo count($_SESSION['cart']) . ' items';
$ok = $db->prepare('SELECT 1 FROM users WHERE id = ?')->execute(array($_SESSION['uid']));
