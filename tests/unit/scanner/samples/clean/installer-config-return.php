<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// An installer's last step: the database settings typed into its form become the
// application's config.php (PHP source), not a log of someone's data.
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    exit('Run the installer form first.');
}
$config = "<?php
return [
    'db' => [
        'host' => '" . addslashes($_POST['host']) . "',
        'name' => '" . addslashes($_POST['db_name']) . "',
        'user' => '" . addslashes($_POST['db_user']) . "',
        'password' => '" . addslashes($_POST['db_password']) . "',
    ],
];
";
file_put_contents(__DIR__ . '/../config.php', $config);
echo 'Configuration written. Delete the install folder now.';
