<?php
// Order notice: time zone and locale set for the date in the mail, then the mail sent.
putenv('TZ=Europe/Berlin');
putenv('LC_ALL=de_DE.UTF-8');
setlocale(LC_ALL, 'de_DE.UTF-8');
$body = 'Bestellung vom ' . strftime('%A, %d. %B %Y') . "\n";
mail('shop@example.com', 'Neue Bestellung', $body, 'From: shop@example.com');
