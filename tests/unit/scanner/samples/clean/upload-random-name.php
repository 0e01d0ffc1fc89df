<?php
// test fixture: an upload kept under a random name, then the visitor sent to it
$name = 'i/' . bin2hex(random_bytes(8)) . '.jpg';
$tmp = $_FILES['photo']['tmp_name'];
copy($tmp, $name);
header('Location: ' . $name);
