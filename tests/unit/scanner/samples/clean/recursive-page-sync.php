<?php
// a catalogue sync: each page fetched, the function calling itself for the next one
function sync_page($base, $page)
{
    $ch = curl_init();
    curl_setopt($ch, CURLOPT_URL, $base . '?page=' . $page);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    $data = json_decode(curl_exec($ch), true);
    curl_close($ch);
    foreach ($data['items'] as $item) {
        save_item($item);
    }
    if (!empty($data['next'])) sync_page($base, $page + 1);
}
function poll_status($url)
{
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    file_put_contents(__DIR__ . '/status.json', curl_exec($ch));
    curl_close($ch);
    sleep(30);
    poll_status($url);
}
sync_page($argv[1], 1);
poll_status($argv[2]);
