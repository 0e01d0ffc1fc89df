<?php
// test fixture: the same letter sent fifty times to one address the visitor gives
$victim = trim($_GET['victim']);
for ($n = 1; $n <= 50; $n++) {
    mail($victim, 'Hello', 'You have a new message');
}
echo 'ok';
