<?php
// an installer writes the database settings the admin typed into its config file
$user = addslashes($_POST['db_user'] ?? '');
$name = addslashes($_POST['db_name'] ?? '');
$h = fopen('config.php', 'w');
fwrite($h, "<?php\ndefine('DB_USER', '" . $user . "');\ndefine('DB_NAME', '" . $name . "');\n");
fclose($h);
parse_str($_SERVER['QUERY_STRING'] ?? '', $q);
$page = isset($q['page']) ? (int) $q['page'] : 1;
$settings = ['title' => 'Shop', 'lang' => 'en'];
extract($settings);
echo htmlspecialchars($title . ' ' . $lang . ' ' . $page);
$doc = json_decode($_POST['doc'] ?? '{}', true);
echo htmlspecialchars((string) ($doc['name'] ?? ''));
