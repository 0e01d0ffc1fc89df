<?php
// a small shop notifies its owner of an order in a Telegram chat
require 'telegram.php';
$qty = (int) ($_POST['qty'] ?? 1);
$item = (int) ($_POST['item'] ?? 0);
sendMessage(OWNER_CHAT, "New order: item " . $item . " x " . $qty);
header('Location: thanks.html');
