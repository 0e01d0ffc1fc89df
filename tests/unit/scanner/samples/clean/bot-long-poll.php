<?php
// a chat bot's long poll: each turn asks for the updates after the last one it saw
$offset = 0;
while (true) {
    $h = curl_init("https://api.telegram.org/bot{$token}/getUpdates?timeout=30&offset={$offset}");
    curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
    $updates = json_decode(curl_exec($h), true);
    foreach ($updates['result'] ?? [] as $u) {
        $offset = $u['update_id'] + 1;
        reply($u);
    }
}
