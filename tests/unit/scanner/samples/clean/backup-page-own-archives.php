<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A site's backup page: it dumps the database into archives kept beside it, lists only those
// (glob of its own *.zip and *.sql), lets the signed-in owner download, restore or delete one
// of them (checked against that list) and upload an archive under a name it makes itself.
session_start();
$backups = __DIR__ . '/archives';
$settings = __DIR__ . '/backup-settings.json';

if (empty($_SESSION['backup_owner'])) {
    exit('Sign in first.');
}

function own_archives(): array
{
    return array_merge(glob('archives/*.zip') ?: [], glob('archives/*.sql') ?: []);
}

function chosen_archive(string $name): ?string
{
    $name = basename($name);
    foreach (own_archives() as $path) {
        if (basename($path) === $name) {
            return $path;
        }
    }
    return null;
}

if (!is_dir($backups)) {
    mkdir($backups, 0750, true);
}

if (isset($_POST['keep'])) {
    $keep = max(1, (int) $_POST['keep']);
    file_put_contents($settings . '.new', json_encode(['keep' => $keep]));
    rename($settings . '.new', $settings);
}

if (isset($_POST['dump'])) {
    $name = $backups . '/site-' . date('Ymd-His') . '.sql';
    $out = fopen($name, 'w');
    fwrite($out, "-- site dump made " . date('c') . "\n");
    fclose($out);
}

if (isset($_GET['download']) && ($path = chosen_archive($_GET['download'])) !== null) {
    header('Content-Type: application/octet-stream');
    header('Content-Disposition: attachment; filename="' . basename($path) . '"');
    readfile($path);
    exit;
}

if (isset($_POST['delete']) && ($path = chosen_archive($_POST['delete'])) !== null) {
    unlink($path);
}

if (isset($_FILES['archive']) && $_FILES['archive']['error'] === UPLOAD_ERR_OK) {
    if (strtolower(pathinfo($_FILES['archive']['name'], PATHINFO_EXTENSION)) === 'zip') {
        move_uploaded_file($_FILES['archive']['tmp_name'], $backups . '/upload-' . bin2hex(random_bytes(6)) . '.zip');
    }
}

$config = is_file($settings) ? json_decode((string) file_get_contents($settings), true) : ['keep' => 5];
?>
<h1>Backups</h1>
<form method="post"><button name="dump" value="1">Dump the database now</button></form>
<form method="post">Keep <input name="keep" value="<?= (int) $config['keep'] ?>"> archives <button>Save</button></form>
<form method="post" enctype="multipart/form-data"><input type="file" name="archive"><button>Upload</button></form>
<ul>
<?php foreach (own_archives() as $path): $n = htmlspecialchars(basename($path)); ?>
  <li><?= $n ?> (<?= date('Y-m-d H:i', filemtime($path)) ?>)
    <a href="?download=<?= urlencode(basename($path)) ?>">download</a>
    <form method="post" style="display:inline"><button name="delete" value="<?= $n ?>">delete</button></form></li>
<?php endforeach; ?>
</ul>
