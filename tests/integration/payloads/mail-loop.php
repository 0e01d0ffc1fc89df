<?php
// A hosting account's script sending mail through PHP's mail() (and so the local MTA):
// php mail-loop.php COUNT  -> COUNT messages, one recipient each.
$n = isset($argv[1]) ? (int)$argv[1] : 50;
for ($i = 0; $i < $n; $i++) {
    mail("target$i@remote.example", "offer $i", "buy now", "From: sales@shop.example");
}
echo "sent $n\n";
