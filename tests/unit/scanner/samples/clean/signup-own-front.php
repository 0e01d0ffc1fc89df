<?php
// old members area: sign-up stores the account, then back to the site's home page
$db = mysqli_connect('localhost', 'shop', 'secret', 'shop');
$email = mysqli_real_escape_string($db, $_POST['email']);
$pass = mysqli_real_escape_string($db, $_POST['password']);
mysqli_query($db, "INSERT INTO members (email, password) VALUES ('$email', '$pass')");
header('Location: https://www.example-shop.com/');
exit;
