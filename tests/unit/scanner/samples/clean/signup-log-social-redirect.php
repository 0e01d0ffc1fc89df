<?php
// a small form's log kept next to it, and the visitor sent on to the club's page on Facebook
file_put_contents(__DIR__ . '/signups.log', date('c') . ' ' . print_r($_POST, true), FILE_APPEND);
mail('club@example.org', 'New sign-up', print_r($_POST, true));
header('Location: https://www.facebook.com/ourchessclub');
exit;
