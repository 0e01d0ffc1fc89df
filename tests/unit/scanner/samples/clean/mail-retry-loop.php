<?php
// test fixture: an order confirmation to the stored customer, retried until mail() accepts it, and a newsletter
// walking the site's own subscriber table with an unsubscribe link
$to = $customer['email'];
if ($to) {
    for ($try = 0; $try < 3; $try++) {
        if (mail($to, 'Your order', "Thank you for your order.\n", 'From: shop@example.org')) {
            break;
        }
        sleep(1);
    }
}
$rows = $db->query('SELECT email, token FROM subscribers WHERE active = 1')->fetchAll();
for ($i = 0; $i < count($rows); $i++) {
    $link = 'https://example.org/unsubscribe?t=' . urlencode($rows[$i]['token']);
    mail($rows[$i]['email'], 'Our news', "This month...\nUnsubscribe: $link\n", 'From: news@example.org');
}
